"""../shared/bench/seed_baseline.py's `tuned` mode, one epoch per turn: waits for a line on standard
input, trains one epoch exactly as `tuned` does (data in memory, batches of 100 in file order, Adam at
0.01, the same network class), prints the epoch line in seed_baseline.py's format and waits again.
bench/paired_seed.sh runs it while Atelier is paused, so both sides meet the same machine minutes.

    python bench/tuned_turns.py SHARED/data/fashion-mnist [THREADS] [SEED]
"""
import os, sys, time, torch, torch.nn.functional as F, torch.optim as optim

shared_bench = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "bench")
sys.path.insert(0, os.environ.get("SHARED_BENCH", shared_bench))
from seed_baseline import IdxSet, Network  # noqa: E402  the peer's own network and reader


def main():
    gz_dir = sys.argv[1]
    torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
    torch.manual_seed(int(sys.argv[3]) if len(sys.argv) > 3 else 0)
    train_set, test_set = IdxSet(gz_dir, "train"), IdxSet(gz_dir, "t10k")
    network = Network()
    optimizer = optim.Adam(network.parameters(), lr=0.01)
    X = train_set.data.unsqueeze(1).float().div(255); Y = train_set.targets
    Xt = test_set.data.unsqueeze(1).float().div(255); Yt = test_set.targets
    print("ready", flush=True)
    epoch = 0
    for _ in sys.stdin:
        t0 = time.perf_counter(); total_loss = 0.0; total_correct = 0
        for images, labels in ((X[i:i+100], Y[i:i+100]) for i in range(0, len(Y), 100)):
            preds = network(images)
            loss = F.cross_entropy(preds, labels)
            optimizer.zero_grad(); loss.backward(); optimizer.step()
            total_loss += loss.item(); total_correct += (preds.argmax(dim=1) == labels).sum().item()
        dt = time.perf_counter() - t0
        with torch.no_grad():
            test_acc = (network(Xt).argmax(dim=1) == Yt).float().mean().item()
        print(f"epoch {epoch} seconds {dt:.2f} total_correct {total_correct} train_acc {total_correct/60000:.4f} loss {total_loss:.1f} test_acc {test_acc:.4f}", flush=True)
        epoch += 1


if __name__ == "__main__":
    main()
