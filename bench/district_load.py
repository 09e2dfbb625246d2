"""Load on the review desk: N signed-in clients, each in its own thread with a keep-alive
connection, alternate queue pages (random filters, sorts and pages) and application pages
for a fixed time. Prints a Markdown table of p50/p99 latency and errors per request kind,
and the server's memory from /proc/PID/status."""
import argparse
import http.client
import json
import random
import re
import threading
import time
import urllib.parse


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100.0 * (len(values) - 1))))]


class Client:
    def __init__(self, url):
        parts = urllib.parse.urlsplit(url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        self.cookies = {}

    def request(self, method, path, fields=None):
        headers = {"Cookie": "; ".join("%s=%s" % item for item in self.cookies.items())} if self.cookies else {}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";")[0]
        return response.status, data

    def sign_in(self, user, password):
        _, page = self.request("GET", "/login")
        token = re.search(rb'name="_csrf" value="([^"]+)"', page).group(1).decode()
        status, _ = self.request("POST", "/login", [("username", user), ("password", password), ("_csrf", token)])
        assert status == 303, status


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--pid", type=int, required=True)
    args = parser.parse_args()

    first = Client(args.url)
    first.sign_in(args.user, args.password)
    status, data = first.request("GET", "/api/queue?page=1")
    total = json.loads(data)["total"]
    ids = []
    for page in random.Random(1).sample(range(1, total // 50 + 1), 10):
        ids += [item["applicationId"] for item in json.loads(first.request("GET", "/api/queue?page=%d" % page)[1])["items"]]

    results = {"queue": [], "application": []}
    errors = {"queue": 0, "application": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + args.seconds
    filters = ["", "status=received", "form=harbin-public-primary-2024", "sort=updated&desc=1", "sort=station", "flag=phone-quota"]

    def run(seed):
        rng = random.Random(seed)
        client = Client(args.url)
        client.sign_in(args.user, args.password)
        while time.monotonic() < deadline:
            if rng.random() < 0.5:
                kind = "queue"
                path = "/queue?%s&page=%d" % (rng.choice(filters), rng.randint(1, 40))
            else:
                kind = "application"
                path = "/applications/" + rng.choice(ids)
            start = time.perf_counter()
            try:
                status, _ = client.request("GET", path)
                ok = status == 200
            except Exception:
                ok = False
                client = Client(args.url)
                client.sign_in(args.user, args.password)
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                results[kind].append(elapsed)
                if not ok:
                    errors[kind] += 1

    threads = [threading.Thread(target=run, args=(seed,)) for seed in range(args.clients)]
    for thread in threads:
        thread.start()
    peak = 0
    while any(t.is_alive() for t in threads):
        with open("/proc/%d/status" % args.pid) as status_file:
            rss = int(re.search(r"VmRSS:\s+(\d+)", status_file.read()).group(1))
        peak = max(peak, rss)
        time.sleep(0.5)
    with open("/proc/%d/status" % args.pid) as status_file:
        hwm = int(re.search(r"VmHWM:\s+(\d+)", status_file.read()).group(1))

    print("| requests | count | errors | p50 (ms) | p99 (ms) | max (ms) |")
    print("|---|---:|---:|---:|---:|---:|")
    for kind, values in results.items():
        print("| %s | %d | %d | %.1f | %.1f | %.1f |" % (kind, len(values), errors[kind], percentile(values, 50), percentile(values, 99), max(values or [0])))
    print()
    print("applications: %d; clients: %d; %.0f s; server RSS peak while sampled %.1f MiB, VmHWM %.1f MiB"
          % (total, args.clients, args.seconds, peak / 1024.0, hwm / 1024.0))


if __name__ == "__main__":
    main()
