"""Time Conv2D and LSTM forward + backward in two source trees of nnlib, interleaved.

Not a test and not part of ``make bench``: a tool for checking that a change of nnlib
did not slow the convolution and recurrent layers down. Each round runs one worker
process per tree (``PYTHONPATH`` set to that tree, so that tree's ``nnlib`` is the one
imported), alternating the order of the trees from round to round; each worker times
every setting best of ``--repeats`` with one BLAS thread, and the driver keeps the best
of all rounds. Times are CPU time (``time.process_time``): with one thread it is the
work done, and on a shared machine it does not count the time other processes held
the core (``--wall`` for wall-clock time). The settings are those of ``bench_conv.py`` and ``bench_rnn.py``.

    .venv/bin/python benchmarks/compare_trees.py OLD_TREE NEW_TREE --rounds 6
"""
import argparse
import json
import os
import subprocess
import sys
import time

CONV = [(32, 1, 8, 16), (64, 1, 28, 8), (64, 8, 28, 16)]      # m, C_in, H = W, C_out (3 x 3, padding 1)
LSTM_SETTING = (32, 50, 32, 64)                               # m, T, n_in, n_hidden


def worker(repeats, clock):
    """Best-of-``repeats`` times (s) of every setting with the ``nnlib`` on ``sys.path``."""
    import numpy as np
    from threadpoolctl import threadpool_limits

    import nnlib
    from nnlib.conv import Conv2D
    try:
        from nnlib.lstm import LSTM                           # since issue 19
    except ImportError:
        from nnlib.recurrent import LSTM

    def best(fn):
        fn()                                                  # warm-up
        times = []
        for _ in range(repeats):
            start = clock()
            fn()
            times.append(clock() - start)
        return min(times)

    rng, out = np.random.default_rng(0), {"nnlib": os.path.dirname(nnlib.__file__)}
    with threadpool_limits(limits=1, user_api="blas"):
        for m, C, H, F in CONV:
            X, dY = rng.normal(size=(m, C, H, H)), rng.normal(size=(m, F, H, H))
            layer = Conv2D(C, F, 3, padding=1, rng=1)
            out[f"conv m={m} C={C} H={H} F={F}"] = best(lambda: (layer.forward(X), layer.backward(dY)))
        m, T, n_in, n_hidden = LSTM_SETTING
        layer = LSTM(n_in, n_hidden, rng=0)
        X, dH = rng.standard_normal((m, T, n_in)), rng.standard_normal((m, T, n_hidden))
        out[f"lstm m={m} T={T} {n_in}->{n_hidden}"] = best(lambda: (layer.forward(X), layer.backward(dH)))
    print(json.dumps(out))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("trees", nargs=2, help="the two source trees (directories holding nnlib/)")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--repeats", type=int, default=10, help="best of N inside each worker")
    parser.add_argument("--wall", action="store_true", help="wall-clock time instead of CPU time")
    args = parser.parse_args()
    best = [{}, {}]
    for r in range(args.rounds):
        for i in ((0, 1) if r % 2 == 0 else (1, 0)):          # alternate who goes first
            env = dict(os.environ, PYTHONPATH=os.path.abspath(args.trees[i]))
            result = json.loads(subprocess.run(
                [sys.executable, __file__, "--worker", str(args.repeats), "wall" if args.wall else "cpu"], env=env, check=True,
                capture_output=True, text=True).stdout)
            where = result.pop("nnlib")
            assert where.startswith(os.path.abspath(args.trees[i])), f"imported {where}"
            for k, v in result.items():
                best[i][k] = min(best[i].get(k, float("inf")), v)
    print(f"best of {args.rounds} rounds x {args.repeats} repeats, 1 BLAS thread, "
          f"{'wall-clock' if args.wall else 'CPU'} times in ms")
    print(f"{'setting':28s} {'old':>9s} {'new':>9s} {'new/old':>8s}")
    for k in best[0]:
        print(f"{k:28s} {1e3 * best[0][k]:9.2f} {1e3 * best[1][k]:9.2f} {best[1][k] / best[0][k]:8.2f}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        worker(int(sys.argv[2]), time.perf_counter if sys.argv[3] == "wall" else time.process_time)
    else:
        main()
