"""`make bench`: this assistant's speed side by side with stock Rasa's starter bot, in one run.

Trains the `rasa init` starter bot with the same Rasa install in a temporary folder (the
baseline) and this assistant, starts each as users run it, and measures both the same way,
all on loopback and every loop bounded:

- sequential REST latency for new conversations (300 messages after warm-up);
- latency as one conversation grows (p50 at turns 1-20 and 281-300 of one sender);
- throughput and p95 with 8 and 32 concurrent conversations, for a bounded time;
- `/model/parse` latency (NLU alone) and in-process parse time (the floor);
- cold start to the first answer, peak RSS of each server, and `rasa train` time.

Writes docs/performance.json, docs/performance.png and the table in docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from project import MODEL, ROOT
from tools.chat import ask
from tools.serve import BIN, action_server, local_endpoints, rasa_server, stop, wait_until_up

DOCS = ROOT / "docs"
TOKEN = uuid.uuid4().hex
TURNS = 300
SEQUENTIAL = 300
WARM_UP = 20
CONCURRENCY = (8, 32)
CONCURRENT_SECONDS = 20.0

# What each bot's users say: the starter bot's own intents, and this assistant's questions.
STOCK_MESSAGES = ["hello", "I am sad", "yes", "no", "great", "are you a bot?", "good morning", "bye"]
OUR_MESSAGES = [
    "Which offices work on child marriage?",
    "How many staff does the Gao office have?",
    "And Kayes?",
    "Quels bureaux travaillent sur l'excision ?",
    "When did the Timbuktu office open?",
    "Quel bureau couvre Kidal ?",
    "Tell me about Sikasso",
    "Combien de personnes au total sur le terrain ?",
]


def stage(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", flush=True)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def summary(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "p50_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "p99_ms": percentile(ms, 99),
        "n": len(ms),
    }


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024


@dataclass
class Bot:
    """One assistant under test: how to start it, what its users say."""

    name: str
    model: Path
    messages: list[str]
    start: Callable[[int], dict[str, subprocess.Popen]]  # port -> the running servers, by name
    port: int
    results: dict = field(default_factory=dict)

    @property
    def webhook(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks/rest/webhook"

    def say(self, sender: str, text: str) -> float:
        """Seconds for one message and its replies (the starter bot rightly says nothing to a
        "no" out of context, so an empty reply is not an error)."""
        started = time.perf_counter()
        ask(self.webhook, sender, text, timeout=60)
        return time.perf_counter() - started

    def parse(self, text: str) -> float:
        body = json.dumps({"text": text}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/model/parse?token={TOKEN}",
            body,
            {"Content-Type": "application/json"},
        )
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=60) as reply:
            reply.read()
        return time.perf_counter() - started


def timed_rasa(*arguments: str) -> float:
    """Seconds a `rasa` command took (it must succeed), run from the project folder."""
    started = time.monotonic()
    subprocess.run(
        [str(BIN / "rasa"), *arguments],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    )
    return time.monotonic() - started


def train_stock(folder: Path) -> tuple[Path, float]:
    stage("training the stock `rasa init` starter bot (baseline)")
    folder.mkdir(parents=True)
    seconds = timed_rasa("init", "--no-prompt", "--init-dir", str(folder))
    return next((folder / "models").glob("*.tar.gz")), seconds


def train_ours(out: Path) -> tuple[Path, float]:
    stage("training this assistant (rasa train --force)")
    seconds = timed_rasa("train", "--force", "--fixed-model-name", "bench", "--out", str(out))
    return out / "bench.tar.gz", seconds


def measure(bot: Bot) -> dict:
    results: dict = {}
    stage(f"{bot.name}: cold start")
    started = time.monotonic()
    processes = bot.start(bot.port)
    try:
        deadline = started + 300
        while True:
            try:
                bot.say("cold-start", bot.messages[0])
                break
            except OSError:
                if time.monotonic() > deadline or any(p.poll() is not None for p in processes.values()):
                    raise
                time.sleep(0.2)
        results["cold_start_s"] = time.monotonic() - started

        for text in itertools.islice(itertools.cycle(bot.messages), WARM_UP):
            bot.say(f"warm-{uuid.uuid4().hex[:8]}", text)

        stage(f"{bot.name}: {SEQUENTIAL} sequential messages, each from a new conversation")
        messages = itertools.cycle(bot.messages)
        results["new_conversations"] = summary(
            [bot.say(f"new-{uuid.uuid4().hex[:8]}", next(messages)) for _ in range(SEQUENTIAL)]
        )

        stage(f"{bot.name}: one conversation growing to {TURNS} turns")
        sender = f"long-{uuid.uuid4().hex[:8]}"
        turns = [bot.say(sender, next(messages)) for _ in range(TURNS)]
        results["turn_latencies_ms"] = [t * 1000 for t in turns]
        results["turns_1_20_p50_ms"] = statistics.median(turns[:20]) * 1000
        results["turns_281_300_p50_ms"] = statistics.median(turns[280:300]) * 1000

        for clients in CONCURRENCY:
            stage(f"{bot.name}: {clients} concurrent conversations for {CONCURRENT_SECONDS:.0f} s")
            results[f"concurrent_{clients}"] = concurrent(bot, clients)

        stage(f"{bot.name}: /model/parse (NLU alone)")
        results["model_parse"] = summary([bot.parse(next(messages)) for _ in range(SEQUENTIAL)])
        results["peak_rss_mb"] = {name: peak_rss_mb(process.pid) for name, process in processes.items()}
    finally:
        for process in processes.values():
            stop(process)
    results["in_process_parse"] = in_process_parse(bot)
    return results


def concurrent(bot: Bot, clients: int) -> dict:
    """`clients` users, each keeping its own conversation, for a bounded time."""
    latencies: list[float] = []
    errors = []
    lock = threading.Lock()
    deadline = time.monotonic() + CONCURRENT_SECONDS

    def user(number: int) -> None:
        sender = f"load-{clients}-{number}-{uuid.uuid4().hex[:6]}"
        for text in itertools.cycle(bot.messages):
            if time.monotonic() > deadline:
                return
            try:
                elapsed = bot.say(sender, text)
            except Exception as error:  # counted, reported
                with lock:
                    errors.append(repr(error))
                continue
            with lock:
                latencies.append(elapsed)

    started = time.monotonic()
    threads = [threading.Thread(target=user, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=CONCURRENT_SECONDS + 120)
    elapsed = time.monotonic() - started
    return {"throughput_rps": len(latencies) / elapsed, **summary(latencies), "errors": len(errors)}


def in_process_parse(bot: Bot) -> dict:
    """NLU in this process, no HTTP: the floor under every other latency."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(bot.model))
    messages = itertools.cycle(bot.messages)

    async def timed() -> list[float]:
        for text in bot.messages:
            await agent.parse_message(text)
        times = []
        for _ in range(SEQUENTIAL):
            started = time.perf_counter()
            await agent.parse_message(next(messages))
            times.append(time.perf_counter() - started)
        return times

    return summary(asyncio.run(timed()))


def stock_bot(model: Path, folder: Path, port: int) -> Bot:
    def start(port: int) -> dict[str, subprocess.Popen]:
        command = [str(BIN / "rasa"), "run", "--model", str(model), "--port", str(port)]
        rasa = subprocess.Popen(
            [*command, "--enable-api", "--auth-token", TOKEN],
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
        )
        return {"rasa": rasa}

    return Bot("stock Rasa starter bot", model, STOCK_MESSAGES, start, port)


def our_bot(model: Path, workdir: Path, port: int) -> Bot:
    actions_port = port + 50
    endpoints = local_endpoints(workdir / "endpoints.yml", actions_port, workdir / "bench.db")

    def start(port: int) -> dict[str, subprocess.Popen]:
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        actions = action_server(actions_port, **quiet)
        api = {**os.environ, "RASA_AUTH_TOKEN": TOKEN}  # `runtime` reads it there, never argv
        rasa = rasa_server(port, model, endpoints, ["--enable-api"], api, **quiet)
        wait_until_up(f"http://127.0.0.1:{actions_port}/health", actions, 60)
        return {"rasa": rasa, "actions": actions}

    return Bot("this assistant", model, OUR_MESSAGES, start, port)


# -- report ---------------------------------------------------------------------------------

TARGETS = {  # (what, limit, as stated in the issue)
    "new_p50_ratio": ("p50 for new conversations ÷ stock", 1.5, "≤"),
    "growth_ratio": ("p50 turns 281-300 ÷ p50 turns 1-20 (this assistant)", 1.2, "≤"),
    "throughput_8_ratio": ("throughput at 8 conversations ÷ stock", 1.0, "≥"),
    "train_s": ("rasa train (this assistant), s", 180, "<"),
    "cold_start_s": ("cold start to the first answer (this assistant), s", 30, "<"),
}


def ratios(stock: dict, ours: dict) -> dict[str, float]:
    return {
        "new_p50_ratio": ours["new_conversations"]["p50_ms"] / stock["new_conversations"]["p50_ms"],
        "growth_ratio": ours["turns_281_300_p50_ms"] / ours["turns_1_20_p50_ms"],
        "stock_growth_ratio": stock["turns_281_300_p50_ms"] / stock["turns_1_20_p50_ms"],
        "throughput_8_ratio": ours["concurrent_8"]["throughput_rps"]
        / stock["concurrent_8"]["throughput_rps"],
        "train_s": ours["train_s"],
        "cold_start_s": ours["cold_start_s"],
    }


def met(value: float, limit: float, sign: str) -> bool:
    return value <= limit if sign == "≤" else value >= limit if sign == "≥" else value < limit


def table(stock: dict, ours: dict) -> str:
    def row(label: str, get: Callable[[dict], float], unit: str, digits: int = 1) -> str:
        a, b = get(stock), get(ours)
        return f"| {label} | {a:.{digits}f} {unit} | {b:.{digits}f} {unit} | {b / a:.2f}× |"

    lines = [
        "| measure | stock starter bot | this assistant | ratio |",
        "| --- | ---: | ---: | ---: |",
        row("new conversations, p50", lambda r: r["new_conversations"]["p50_ms"], "ms"),
        row("new conversations, p95", lambda r: r["new_conversations"]["p95_ms"], "ms"),
        row("new conversations, p99", lambda r: r["new_conversations"]["p99_ms"], "ms"),
        row("one conversation, turns 1-20, p50", lambda r: r["turns_1_20_p50_ms"], "ms"),
        row("one conversation, turns 281-300, p50", lambda r: r["turns_281_300_p50_ms"], "ms"),
    ]
    for clients in CONCURRENCY:
        key = f"concurrent_{clients}"
        lines.append(
            row(
                f"{clients} concurrent conversations, throughput",
                lambda r, key=key: r[key]["throughput_rps"],
                "req/s",
            )
        )
        lines.append(
            row(f"{clients} concurrent conversations, p95", lambda r, key=key: r[key]["p95_ms"], "ms")
        )
    lines += [
        row("`/model/parse` (NLU over HTTP), p50", lambda r: r["model_parse"]["p50_ms"], "ms"),
        row("in-process parse, p50", lambda r: r["in_process_parse"]["p50_ms"], "ms", 2),
        row("cold start to the first answer", lambda r: r["cold_start_s"], "s"),
        row("peak RSS, Rasa server", lambda r: r["peak_rss_mb"]["rasa"], "MB", 0),
        row("`rasa train`", lambda r: r["train_s"], "s"),
    ]
    lines.append(f"| peak RSS, action server | none | {ours['peak_rss_mb']['actions']:.0f} MB | |")
    return "\n".join(lines)


def targets_table(values: dict[str, float]) -> str:
    lines = ["| target | limit | measured | met |", "| --- | --- | ---: | --- |"]
    for key, (what, limit, sign) in TARGETS.items():
        lines.append(
            f"| {what} | {sign} {limit} | {values[key]:.2f} | {'yes' if met(values[key], limit, sign) else 'no'} |"  # noqa: E501
        )
    return "\n".join(lines)


def plot(stock: dict, ours: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(8, 4.5))
    for label, results in (("stock starter bot", stock), ("this assistant", ours)):
        series = results["turn_latencies_ms"]
        rolling = [statistics.median(series[max(0, i - 9) : i + 1]) for i in range(len(series))]
        axis.plot(range(1, len(series) + 1), rolling, label=label)
    axis.set_xlabel("turn of one conversation")
    axis.set_ylabel("REST latency, ms (rolling median of 10)")
    axis.set_title("Latency as one conversation grows")
    axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    memory = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    system = f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    return f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, {system}"


def report(stock: dict, ours: dict) -> None:
    values = ratios(stock, ours)
    (DOCS / "performance.json").write_text(
        json.dumps({"machine": machine(), "stock": stock, "assistant": ours, "ratios": values}, indent=1),
        encoding="utf-8",
    )
    plot(stock, ours, DOCS / "performance.png")
    generated = "\n\n".join(
        [
            f"Measured on {time.strftime('%Y-%m-%d')} with `make bench`, on {machine()}.",
            table(stock, ours),
            f"Stock's own growth over one conversation: {values['stock_growth_ratio']:.2f}× "
            f"(p50 at turns 281-300 ÷ turns 1-20).",
            targets_table(values),
            "![Latency as one conversation grows](performance.png)",
        ]
    )
    path = DOCS / "performance.md"
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    text = path.read_text(encoding="utf-8") if path.exists() else f"# Performance\n\n{start}\n{end}\n"
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    path.write_text(f"{head}{start}\n{generated}\n{end}{tail}", encoding="utf-8")
    print(table(stock, ours), targets_table(values), sep="\n\n")
    stage("wrote docs/performance.md, docs/performance.json and docs/performance.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-train", action="store_true", help=f"use {MODEL} and skip timing `rasa train`")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-") as temporary:
        workdir = Path(temporary)
        stock_model, stock_train = train_stock(workdir / "stock")
        model, train = (MODEL, float("nan")) if args.no_train else train_ours(workdir / "models")
        stock = stock_bot(stock_model, workdir / "stock", 17005)
        ours = our_bot(model, workdir, 17006)
        results = {}
        for bot, train_s in ((stock, stock_train), (ours, train)):
            results[bot.name] = {"train_s": train_s, **measure(bot)}
        report(results[stock.name], results[ours.name])


if __name__ == "__main__":
    main()
