#!/usr/bin/env python3
"""The station bench's client: keep-alive HTTP on loopback, latencies in milliseconds."""
import argparse
import glob
import http.client
import json
import os
import re
import statistics
import time
import urllib.parse
import uuid


def leaves(value, tokens=()):
    if isinstance(value, dict):
        for key, child in value.items():
            yield from leaves(child, tokens + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from leaves(child, tokens + (str(index),))
    else:
        yield "/" + "/".join(tokens), "true" if value is True else "false" if value is False else str(value)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Client:
    def __init__(self, port):
        self.connection = http.client.HTTPConnection("127.0.0.1", port)
        self.cookie = ""
        self.token = ""

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        start = time.perf_counter()
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        elapsed = (time.perf_counter() - start) * 1000
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";")[0]
        match = re.search(rb'data-csrf="([^"]+)"', data)
        if match:
            self.token = match.group(1).decode()
        return response.status, data, elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--samples", required=True)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--drafts", type=int, default=2000)
    parser.add_argument("--binary", default="")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    client = Client(args.port)
    results = {"binary": args.binary, "requests": args.requests, "forms": {}}
    for sample_dir in sorted(glob.glob(os.path.join(args.samples, "*"))):
        form = os.path.basename(sample_dir)
        with open(glob.glob(os.path.join(sample_dir, "*", "data", "form.json"))[0], encoding="utf-8") as handle:
            document = json.load(handle)
        render = []
        for _ in range(args.requests):
            status, _, elapsed = client.request("GET", "/forms/%s/new" % form)
            assert status == 200, status
            render.append(elapsed)
        fields = list(leaves(document)) + [("_field", "/student/idNumber")]
        body = urllib.parse.urlencode(fields)
        check = []
        for _ in range(args.requests):
            status, data, elapsed = client.request("POST", "/forms/%s/check" % form, body, {
                "Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": client.token})
            assert status == 200, (status, data[:300])
            check.append(elapsed)
        results["forms"][form] = {
            "render_ms": {"p50": percentile(render, 50), "p99": percentile(render, 99), "mean": statistics.mean(render)},
            "check_ms": {"p50": percentile(check, 50), "p99": percentile(check, 99), "mean": statistics.mean(check)},
        }
        print("%-32s render p50 %6.2f ms p99 %6.2f ms | field check p50 %6.2f ms p99 %6.2f ms" % (
            form, percentile(render, 50), percentile(render, 99), percentile(check, 50), percentile(check, 99)))

    results["rss_kib_before_drafts"] = rss_kib(args.pid)
    boundary = "bench" + uuid.uuid4().hex
    form = "harbin-public-primary-2024"
    start = time.perf_counter()
    for index in range(args.drafts):
        parts = [("/student/name", "测试%d" % index), ("/application/phone", "138%08d" % index), ("_action", "save")]
        body = "".join("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" % (boundary, n, v) for n, v in parts)
        body += "--%s--\r\n" % boundary
        status, data, _ = client.request("POST", "/drafts?form=%s" % form, body.encode(),
                                         {"Content-Type": "multipart/form-data; boundary=" + boundary, "X-CSRF-Token": client.token})
        assert status == 303, (status, data[:300])
    results["draft_save_ms_mean"] = (time.perf_counter() - start) * 1000 / max(args.drafts, 1)
    listing = []
    for _ in range(5):
        status, _, elapsed = client.request("GET", "/")
        assert status == 200
        listing.append(elapsed)
    results["drafts"] = args.drafts
    results["todays_list_ms_median"] = statistics.median(listing)
    results["rss_kib_after_drafts"] = rss_kib(args.pid)
    print("%d drafts: save %.1f ms each; day's list %.0f ms; server RSS %.1f MiB (before drafts %.1f MiB)" % (
        args.drafts, results["draft_save_ms_mean"], results["todays_list_ms_median"],
        results["rss_kib_after_drafts"] / 1024, results["rss_kib_before_drafts"] / 1024))
    with open(args.out, "w") as handle:
        json.dump(results, handle, indent=2)


if __name__ == "__main__":
    main()
