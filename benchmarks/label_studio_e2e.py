"""The annotation loop end to end against a real Label Studio server (not part of the test suite).

    python3 -m venv /tmp/ls-venv && /tmp/ls-venv/bin/pip install label-studio        # not a nianbao dependency
    flock /work/cpu.lock .venv/bin/python benchmarks/label_studio_e2e.py --label-studio /tmp/ls-venv/bin/label-studio \\
        --work /tmp/nianbao-e2e [--screenshot-with /path/to/node_modules]

1. Starts ``nianbao ml-backend`` (on a copy of the installed model) and Label Studio, both on 127.0.0.1,
   Label Studio with its update check and analytics off.
2. Creates a project with the shipped labelling config (``data/label_studio.xml``), connects the backend,
   writes tasks with ``nianbao export-tasks`` (three ``ascii_box`` reports, a real seed report, a news page)
   and imports them.
3. Imports the seed report once more without predictions and has Label Studio fetch them from the backend
   (the live ``/predict``); the screenshot (below) is of that task.
4. Posts an annotation to each ``ascii_box`` task through the API (the value spans an annotator who
   corrects every region leaves, in code points) and one empty annotation; the backend's webhook keeps them.
5. Exports the project as JSON, runs ``nianbao annotations check`` on it, then ``nianbao train --annotations
   ... --install`` on the copy of the model: the recipe and the regression gate.
   With ``--screenshot-with NODE_MODULES`` (holding ``playwright-core``), logs in with headless Chromium and
   saves a screenshot of the pre-annotated seed report's labelling screen.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from nianbao.paths import DATA_DIR, MODEL_DIR, SEEDS_DIR
from training.corpus import iter_examples
from training.features import example_document
from training.label_studio import CONFIG_PATH, region

EMAIL, PASSWORD, TOKEN = "annotator@example.org", "nianbao-e2e-password", "0123456789abcdef0123456789abcdef01234567"
NEWS = "本网讯 2020年12月1日，我局召开年度工作会议，200余人参加，会议总结了2020年工作。\n"
SCREENSHOT_JS = """
const { chromium } = require('playwright-core');
(async () => {
  const [url, email, password, out, profile] = process.argv.slice(2);
  const browser = await chromium.launchPersistentContext(profile, {executablePath: '/usr/bin/chromium',
    headless: true, viewport: {width: 1600, height: 1000}, args: ['--no-sandbox', '--disable-gpu', '--disable-quic',
    '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']});
  const page = browser.pages()[0] || await browser.newPage();
  await page.goto(new URL('/user/login', url).href);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  await page.goto(url);
  await page.waitForSelector('.htx-highlight', {timeout: 60000});
  await page.waitForTimeout(3000);
  const regions = await page.$$eval('.htx-highlight', nodes => nodes.length);
  await page.screenshot({path: out});
  console.log(`screenshot ${out}: ${regions} highlighted spans`);
  await browser.close();
})().catch(error => { console.error(error); process.exit(1); });
"""


def api(base: str, method: str, path: str, body=None) -> object:
    request = urllib.request.Request(base + path, method=method, headers={"Authorization": f"Token {TOKEN}",
                                                                         "Content-Type": "application/json"},
                                     data=None if body is None else json.dumps(body, ensure_ascii=False).encode())
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            data = response.read()
    except urllib.error.HTTPError as error:
        raise SystemExit(f"{method} {path}: {error.code} {error.read().decode(errors='replace')[:2000]}") from None
    return json.loads(data) if data else None


def wait_for(url: str, seconds: float = 180) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"{url} did not answer in {seconds:.0f} s")


def nianbao(*args: str) -> int:
    print("$ nianbao " + " ".join(args), flush=True)
    return subprocess.run([sys.executable, "-m", "nianbao", *args]).returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label-studio", required=True, help="the label-studio executable (its own venv)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/nianbao-e2e"))
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--backend-port", type=int, default=9090)
    parser.add_argument("--screenshot-with", metavar="NODE_MODULES", help="a node_modules folder with playwright-core")
    parser.add_argument("train_options", nargs="*", help="after --: more `nianbao train` options")
    args = parser.parse_args()

    shutil.rmtree(args.work, ignore_errors=True)
    (args.work / "reports").mkdir(parents=True)
    model = args.work / "model" / "checkpoint"
    shutil.copytree(MODEL_DIR, model)
    annotated = [example for _, example in iter_examples(3, ["ascii_box"], 31)]
    for number, example in enumerate(annotated):
        (args.work / "reports" / f"ascii_box_{number}.txt").write_text(example["text"], encoding="utf-8")
    seed = sorted(SEEDS_DIR.glob("*.txt"))[3]
    shutil.copy(seed, args.work / "reports" / seed.name)
    (args.work / "reports" / "news.txt").write_text(NEWS, encoding="utf-8")

    base, backend_url = f"http://127.0.0.1:{args.port}", f"http://127.0.0.1:{args.backend_port}"
    # Label Studio refuses an ML backend on 127.0.0.1 ("URL resolves to a reserved network address (block:
    # 127.0.0.0/8)") unless ML_BLOCK_LOCAL_IP is off, and its webhook unless SSRF_PROTECTION_ENABLED is.
    env = {**os.environ, "LATEST_VERSION_CHECK": "false", "COLLECT_ANALYTICS": "false", "SENTRY_DSN": "",
           "ML_BLOCK_LOCAL_IP": "false", "SSRF_PROTECTION_ENABLED": "false", "FRONTEND_SENTRY_DSN": "", "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
           "LABEL_STUDIO_USERNAME": EMAIL, "LABEL_STUDIO_PASSWORD": PASSWORD, "LABEL_STUDIO_USER_TOKEN": TOKEN}
    logs = {name: open(args.work / f"{name}.log", "w") for name in ("label-studio", "ml-backend")}
    servers = [
        subprocess.Popen([sys.executable, "-m", "nianbao", "ml-backend", "--model", str(model), "--store",
                          str(args.work / "store"), "--port", str(args.backend_port), "--fit-every", "1000"],
                         stdout=logs["ml-backend"], stderr=subprocess.STDOUT),
        subprocess.Popen([args.label_studio, "start", "--no-browser", "--internal-host", "127.0.0.1",
                          "--host", base, "-p", str(args.port), "--data-dir", str(args.work / "ls-data"),
                          "--username", EMAIL, "--password", PASSWORD, "--user-token", TOKEN],
                         env=env, stdout=logs["label-studio"], stderr=subprocess.STDOUT),
    ]
    try:
        wait_for(backend_url + "/health")
        wait_for(base + "/health")
        version = api(base, "GET", "/api/version")
        print(f"Label Studio {version.get('release', version)} on {base}; ml backend on {backend_url}", flush=True)
        run(args, base, backend_url, annotated, seed)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)


def run(args, base: str, backend_url: str, annotated: list[dict], seed: Path) -> None:
    project = api(base, "POST", "/api/projects", {"title": "nianbao e2e",
                                                   "label_config": CONFIG_PATH.read_text(encoding="utf-8")})
    print(f"project {project['id']} created with {CONFIG_PATH.relative_to(DATA_DIR.parent)}", flush=True)
    ml = api(base, "POST", "/api/ml", {"project": project["id"], "url": backend_url, "title": "nianbao"})
    print(f"ml backend connected: {ml.get('state')} {ml.get('model_version')}", flush=True)

    tasks_file = args.work / "tasks.json"
    nianbao("export-tasks", str(args.work / "reports"), "--out", str(tasks_file), "--model",
            str(args.work / "model" / "checkpoint"))
    tasks = json.loads(tasks_file.read_text(encoding="utf-8"))
    imported = api(base, "POST", f"/api/projects/{project['id']}/import", tasks)
    print(f"imported: {imported.get('task_count')} tasks, {imported.get('prediction_count')} predictions", flush=True)
    listed = api(base, "GET", f"/api/tasks?project={project['id']}&page_size=100&fields=all")
    by_source = {task["data"].get("source", "").rsplit("/", 1)[-1]: task for task in listed["tasks"]}
    for name, task in sorted(by_source.items()):
        print(f"  task {task['id']} {name}: {task['data'].get('note') or ''} "
              f"predictions {[(p['model_version'], p['score'], len(p['result'])) for p in task['predictions']]}")

    api(base, "POST", f"/api/projects/{project['id']}/import",
        [{"data": {"text": seed.read_text(encoding="utf-8"), "source": "imported without predictions"}}])
    live = next(task for task in api(base, "GET", f"/api/tasks?project={project['id']}&page_size=100&fields=all")["tasks"]
                if task["data"].get("source") == "imported without predictions")
    api(base, "POST", f"/api/dm/actions?id=retrieve_tasks_predictions&project={project['id']}",
        {"selectedItems": {"all": False, "included": [live["id"]]}})
    versions = [(p["model_version"], p["score"], len(p["result"])) for p in api(base, "GET", f"/api/predictions?task={live['id']}")]
    print(f"task {live['id']}, the seed report imported without predictions: predictions after Label Studio asked the "
          f"backend: {versions}", flush=True)
    if args.screenshot_with:
        script = args.work / "screenshot.js"
        script.write_text(SCREENSHOT_JS, encoding="utf-8")
        url = f"{base}/projects/{project['id']}/data?tab=0&task={live['id']}"
        subprocess.run(["node", str(script), url, EMAIL, PASSWORD, str(args.work / "pre-annotated.png"),
                        str(args.work / "chromium-profile")], env={**os.environ, "NODE_PATH": args.screenshot_with},
                       check=False)

    for number, example in enumerate(annotated):
        task = by_source[f"ascii_box_{number}.txt"]
        doc, spans = example_document(example)
        assert doc.norm == task["data"]["text"]
        result = [region(s["key"], s["start"], s["end"], doc.norm) for s in spans if s["kind"] == "value"]
        api(base, "POST", f"/api/tasks/{task['id']}/annotations", {"result": result, "was_cancelled": False})
        print(f"annotated task {task['id']}: {len(result)} value spans", flush=True)
    api(base, "POST", f"/api/tasks/{by_source['news.txt']['id']}/annotations", {"result": [], "was_cancelled": False})
    print(f"annotated task {by_source['news.txt']['id']} (news.txt) with nothing", flush=True)
    print("ml backend /health: " + urllib.request.urlopen(backend_url + "/health").read().decode(), flush=True)
    stored = json.loads((args.work / "store" / "annotations.json").read_text(encoding="utf-8"))
    print(f"ml backend kept {sum(len(t['annotations']) for t in stored)} annotations of {len(stored)} tasks "
          "from the webhooks", flush=True)

    export = args.work / "export.json"
    export.write_text(json.dumps(api(base, "GET", f"/api/projects/{project['id']}/export?exportType=JSON"),
                                 ensure_ascii=False), encoding="utf-8")
    print(f"exported {export}", flush=True)
    nianbao("annotations", "check", str(export))
    nianbao("train", "--annotations", str(export), "--installed", str(args.work / "model" / "checkpoint"),
            "--out", str(args.work / "retrained"), "--install", *args.train_options)


if __name__ == "__main__":
    main()
