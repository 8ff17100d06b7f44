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

With ``--mlp b1,b32,...,cliffs`` it times ``bench_mlp.py``'s settings instead: in each
worker the hand-fused loop and nnlib's ``MLPClassifier.fit`` (interleaved, best of
``--repeats``), or for ``cliffs`` each cliff row's two fits, and prints each tree's
ratio (nnlib/fused, or variant/baseline) side by side.
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


def mlp_worker(repeats, clock, keys):
    """Best-of-``repeats`` times (s) of bench_mlp's fused loop and nnlib for each setting in ``keys``."""
    from threadpoolctl import threadpool_limits

    import bench_mlp
    import nnlib
    bench_mlp.CLOCK = clock
    out, X_digits, y_digits = {"nnlib": os.path.dirname(nnlib.__file__)}, *bench_mlp.digits()
    with threadpool_limits(limits=1, user_api="blas"):
        for key in keys:
            if key == "cliffs":
                for name, base, variant in bench_mlp.cliffs(X_digits, y_digits, repeats):
                    out[f"cliff {name}"] = (base, variant)
                continue
            name, which, n_hidden, n_out, batch_size, epochs, dtype = bench_mlp.SETTINGS[key]
            X, y = (X_digits, y_digits) if which == "digits" else bench_mlp.synthetic()
            X, best = X.astype(dtype), [float("inf")] * 2
            for _ in range(repeats):
                for i, fn in enumerate((bench_mlp.numpy_fused, bench_mlp.nnlib_fit)):
                    best[i] = min(best[i], fn(X, y, n_hidden, n_out, batch_size, epochs))
            out[f"{key} {name}"] = tuple(best)
    print(json.dumps(out))


def main_mlp(args):
    """Each tree's nnlib/fused (or cliff) ratio per setting, side by side."""
    best = [{}, {}]
    for r in range(args.rounds):
        for i in ((0, 1) if r % 2 == 0 else (1, 0)):
            env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.abspath(args.trees[i]),
                                                               os.path.dirname(os.path.abspath(__file__))]))
            result = json.loads(subprocess.run(
                [sys.executable, __file__, "--mlp-worker", str(args.repeats), "wall" if args.wall else "cpu",
                 args.mlp], env=env, check=True, capture_output=True, text=True).stdout)
            where = result.pop("nnlib")
            assert where.startswith(os.path.abspath(args.trees[i])), f"imported {where}"
            for k, (a, b) in result.items():
                old = best[i].get(k, (float("inf"), float("inf")))
                best[i][k] = (min(old[0], a), min(old[1], b))
    print(f"best of {args.rounds} rounds x {args.repeats} repeats, 1 BLAS thread, "
          f"{'wall-clock' if args.wall else 'CPU'} times in s; ratio = nnlib/fused (cliffs: variant/baseline)")
    print(f"{'setting':44s} {'old: base':>9s} {'nnlib':>7s} {'ratio':>6s} | {'new: base':>9s} {'nnlib':>7s} "
          f"{'ratio':>6s}")
    for k in best[0]:
        (a0, b0), (a1, b1) = best[0][k], best[1][k]
        print(f"{k:44s} {a0:9.3f} {b0:7.3f} {b0 / a0:6.2f} | {a1:9.3f} {b1:7.3f} {b1 / a1:6.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("trees", nargs=2, help="the two source trees (directories holding nnlib/)")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--repeats", type=int, default=10, help="best of N inside each worker")
    parser.add_argument("--wall", action="store_true", help="wall-clock time instead of CPU time")
    parser.add_argument("--mlp", help="comma-separated bench_mlp.py settings (and/or cliffs) to time instead")
    args = parser.parse_args()
    if args.mlp:
        return main_mlp(args)
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
    if sys.argv[1:2] == ["--mlp-worker"]:
        mlp_worker(int(sys.argv[2]), time.perf_counter if sys.argv[3] == "wall" else time.process_time,
                   sys.argv[4].split(","))
    elif sys.argv[1:2] == ["--worker"]:
        worker(int(sys.argv[2]), time.perf_counter if sys.argv[3] == "wall" else time.process_time)
    else:
        main()
