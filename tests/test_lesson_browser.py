"""The lesson page in a real browser: Debian's chromium driven by selenium, opened from disk, offline.

Skipped, with the reason, where chromium, chromedriver or selenium are missing (`.ci/run` installs them).
"""
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from engine.executor import explain
from engine.lesson import choose_examples, write_lesson
from engine.replay.labels import fmt_num
from engine.serialization import load_graph
from test_lesson import GRAPHS, HEADLINES, narrator_of

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--force-device-scale-factor=1",
         "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>")  # any web request goes nowhere
WIDTH, HEIGHT = 1920, 1080

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install .[test])")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.actions.action_builder import ActionBuilder  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.select import Select  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

pytestmark = pytest.mark.skipif(
    not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
    reason=f"needs {CHROMIUM} and {CHROMEDRIVER} (apt-get install chromium chromium-driver)")


@pytest.fixture(scope="module")
def browser():
    profile = tempfile.mkdtemp(prefix="lesson-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS + (f"--user-data-dir={profile}",):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False})
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions",
                           {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0})
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def mlp(tmp_path_factory):
    """The MLP lesson on disk, with the trace and narrator it must show."""
    graph = load_graph(GRAPHS / "mlp.json")
    examples = choose_examples(graph)
    path = tmp_path_factory.mktemp("lesson") / "mlp.html"
    write_lesson(graph, examples, path)
    trace = explain(graph, examples.samples[0].feeds)
    return path, trace, narrator_of(graph, trace, examples, examples.samples[0])


def open_page(driver, path: Path) -> None:
    driver.get(path.as_uri())
    driver.get_log("performance")  # start the request log afresh for this page
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "player").get_attribute("data-step") == "-1")
    # 6 steps a second: the test waits less, the steps are the same
    Select(driver.find_element(By.ID, "speed")).select_by_value("6")


def press(driver, *keys) -> None:
    for key in keys:
        ActionChains(driver).send_keys(key).perform()


def settle(driver) -> None:
    """Wait until the step's pulse has arrived (the page says data-motion="still")."""
    WebDriverWait(driver, 10).until(
        lambda d: d.find_element(By.ID, "player").get_attribute("data-motion") == "still")


def caption(driver) -> str:
    return driver.find_element(By.ID, "caption").text


def active_label(driver) -> list[str]:
    """The lines of the label drawn on the active edge, as shown."""
    labels = driver.find_elements(By.CSS_SELECTOR, "#labels g.elabel.active")
    visible = [g for g in labels if g.get_attribute("visibility") == "visible"]
    assert len(visible) <= 1
    return [t.text for t in visible[0].find_elements(By.TAG_NAME, "tspan")] if visible else []


POINT_ON_EDGE = """
var line = document.querySelector('g.edge[data-edge="' + arguments[0] + '"] path.line');
for (var t = 0.15; t < 0.9; t += 0.05) {
  var p = line.getPointAtLength(line.getTotalLength() * t).matrixTransform(line.getScreenCTM());
  var hit = document.elementFromPoint(p.x, p.y), owner = hit && hit.closest('[data-edge]');
  if (owner && owner.getAttribute('data-edge') === arguments[0]) { return [p.x, p.y]; }
}
return null;
"""


def click_edge(driver, edge_id: str) -> None:
    """Click the edge where a reader would: on a point of its line that nothing else covers."""
    point = driver.execute_script(POINT_ON_EDGE, edge_id)
    assert point is not None, f"edge {edge_id} is covered everywhere"
    actions = ActionBuilder(driver)
    actions.pointer_action.move_to_location(int(point[0]), int(point[1])).click()
    actions.perform()


def test_space_steps_through_the_trace_as_the_narrator_tells_it(browser, mlp):
    path, trace, narrator = mlp
    open_page(browser, path)
    assert caption(browser) == narrator.caption(-1)
    for k in range(len(trace)):
        press(browser, " ")
        settle(browser)
        assert browser.find_element(By.ID, "player").get_attribute("data-step") == str(k)
        assert caption(browser) == narrator.caption(k)
        if trace.steps[k].kind in ("backward", "nograd"):
            assert active_label(browser) == narrator.edge_label(k, True).splitlines()
        else:
            assert active_label(browser) == []


def test_pressing_space_n_times_lands_on_step_n(browser, mlp):
    path, trace, narrator = mlp
    open_page(browser, path)
    n = next(k for k, s in enumerate(trace.steps) if s.kind == "backward") + 3
    press(browser, *[" "] * n)
    settle(browser)
    assert caption(browser) == narrator.caption(n - 1)
    assert active_label(browser) == narrator.edge_label(n - 1, True).splitlines()


def test_scrubbing_to_the_end_shows_the_last_step(browser, mlp):
    path, trace, narrator = mlp
    open_page(browser, path)
    scrub = browser.find_element(By.ID, "scrub")
    scrub.click()
    scrub.send_keys(Keys.END)
    settle(browser)
    last = len(trace) - 1
    assert browser.find_element(By.ID, "player").get_attribute("data-step") == str(last)
    assert caption(browser) == narrator.caption(last)
    assert browser.find_element(By.ID, "step-info").text.startswith(f"Step {len(trace)} of {len(trace)}")
    scrub.send_keys(Keys.HOME)
    assert caption(browser) == narrator.caption(-1)


def test_predict_shows_a_question_mark_until_revealed(browser, mlp):
    path, trace, narrator = mlp
    open_page(browser, path)
    k = next(k for k, s in enumerate(trace.steps) if s.kind == "backward")
    press(browser, *[Keys.ARROW_RIGHT] * k)  # scrub to the step before it
    assert caption(browser) == narrator.caption(k - 1)
    press(browser, "p", " ")
    settle(browser)
    assert caption(browser) == narrator.caption(k, hidden=True)
    assert active_label(browser) == ["?"]
    assert not browser.find_element(By.ID, "reveal").get_attribute("disabled")
    press(browser, " ")  # reveal
    assert caption(browser) == narrator.caption(k)
    assert active_label(browser) == narrator.edge_label(k, True).splitlines()
    # a forward step hides its node's value behind a "?"
    forward = next(k for k, s in enumerate(trace.steps) if s.kind == "forward" and trace.names[s.node] == "Wx")
    press(browser, Keys.HOME, *[Keys.ARROW_RIGHT] * forward, " ")
    settle(browser)
    node = trace.steps[forward].node
    mark = browser.find_element(By.CSS_SELECTOR, f'g.node[data-node="{node}"] text.hidden-mark')
    assert mark.get_attribute("visibility") == "visible" and mark.text == "?"
    assert caption(browser) == narrator.caption(forward, hidden=True)
    browser.find_element(By.ID, "reveal").click()
    assert mark.get_attribute("visibility") == "hidden"
    assert caption(browser) == narrator.caption(forward)
    press(browser, "p")


def test_clicking_an_edge_shows_its_jacobian(browser, mlp):
    path, trace, narrator = mlp
    open_page(browser, path)
    press(browser, Keys.END)
    step = trace.edge("a", "Va")
    click_edge(browser, step.edge)
    panel = browser.find_element(By.ID, "details")
    assert panel.is_displayed()
    assert "local ∂(Va)/∂a ∈ ℝ⁴ˣ⁴" in panel.text
    cells = panel.find_elements(By.CSS_SELECTOR, "g.jacobian-cells rect title")
    expected = [fmt_num(v, 3) for v in step.local_jacobian().ravel()]
    assert [c.get_attribute("textContent") for c in cells] == expected
    assert [t.text for t in panel.find_elements(By.CSS_SELECTOR, "g.jacobian-cells text")] == expected
    press(browser, Keys.ESCAPE)
    assert not panel.is_displayed()


def test_an_edge_not_yet_reached_says_when_it_will_be(browser, mlp):
    path, trace, narrator = mlp
    open_page(browser, path)
    step = trace.edge("x", "Wx")
    k = trace.steps.index(step)
    click_edge(browser, step.edge)
    assert f"Backward reaches this edge at step {k + 1}." in browser.find_element(By.ID, "details").text
    press(browser, Keys.ESCAPE)


def test_the_page_asks_the_network_for_nothing(browser, mlp):
    path, trace, narrator = mlp
    open_page(browser, path)
    press(browser, Keys.END)
    events = [json.loads(e["message"])["message"] for e in browser.get_log("performance")]
    requested = [e["params"]["request"]["url"] for e in events if e["method"] == "Network.requestWillBeSent"]
    assert all(url.startswith(("file:", "data:")) for url in requested), requested
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []


def test_the_switcher_changes_the_example(browser, tmp_path):
    graph = load_graph(GRAPHS / "headline_classifier.json")
    examples = choose_examples(graph, HEADLINES)
    path = tmp_path / "headlines.html"
    write_lesson(graph, examples, path)
    open_page(browser, path)
    buttons = browser.find_elements(By.CSS_SELECTOR, "#examples button")
    assert [b.text.split(". ", 1)[1] for b in buttons] == [s.description for s in examples.samples]
    press(browser, " ")
    settle(browser)
    buttons[2].click()
    third = examples.samples[2]
    trace = explain(graph, third.feeds)
    assert caption(browser) == narrator_of(graph, trace, examples, third).caption(0)
    assert buttons[2].get_attribute("aria-selected") == "true"
    press(browser, "2")
    second = examples.samples[1]
    assert caption(browser) == narrator_of(graph, explain(graph, second.feeds), examples, second).caption(0)


def test_the_active_step_is_large_on_a_full_hd_screen(browser, mlp):
    path, trace, narrator = mlp
    open_page(browser, path)
    k = next(k for k, s in enumerate(trace.steps) if s.kind == "backward")
    press(browser, *[Keys.ARROW_RIGHT] * (k + 1))
    size = browser.execute_script("return parseFloat(getComputedStyle(document.getElementById('caption')).fontSize)")
    assert size >= 24
    text = browser.find_element(By.CSS_SELECTOR, "#labels g.elabel.active text")
    on_screen = browser.execute_script(
        "var t = arguments[0], m = t.getScreenCTM(); return parseFloat(getComputedStyle(t).fontSize) * m.a;", text)
    assert on_screen >= 24


def test_screenshots_at_full_hd(browser, mlp, tmp_path):
    """Forward, backward with the Jacobian open, and predict mode, at 1920×1080 (LESSON_SHOTS=DIR keeps them)."""
    path, trace, narrator = mlp
    keep = Path(os.environ["LESSON_SHOTS"]) if os.environ.get("LESSON_SHOTS") else tmp_path
    keep.mkdir(parents=True, exist_ok=True)
    forward = next(k for k, s in enumerate(trace.steps) if s.kind == "forward" and trace.names[s.node] == "θᵀb")
    backward = trace.steps.index(trace.edge("V", "Va"))
    shots = {}
    open_page(browser, path)
    press(browser, *[Keys.ARROW_RIGHT] * (forward + 1))
    shots["lesson_forward.png"] = caption(browser) == narrator.caption(forward)
    browser.save_screenshot(str(keep / "lesson_forward.png"))
    press(browser, Keys.HOME, *[Keys.ARROW_RIGHT] * (backward + 1))
    click_edge(browser, trace.edge("a", "Va").edge)
    shots["lesson_backward_jacobian.png"] = "local ∂(Va)/∂a" in browser.find_element(By.ID, "details").text
    browser.save_screenshot(str(keep / "lesson_backward_jacobian.png"))
    press(browser, Keys.ESCAPE, "p", " ")
    settle(browser)
    shots["lesson_predict.png"] = caption(browser) == narrator.caption(backward + 1, hidden=True)
    browser.save_screenshot(str(keep / "lesson_predict.png"))
    press(browser, "p")
    assert all(shots.values()), shots
    for name in shots:
        header = (keep / name).read_bytes()[:24]
        assert header[:8] == b"\x89PNG\r\n\x1a\n"
        assert (int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")) == (WIDTH, HEIGHT)


LABEL_CENTRE = """
var g = document.querySelector('#labels g.elabel[data-edge="' + arguments[0] + '"]');
var box = g.querySelector('rect').getBBox(), m = g.transform.baseVal.consolidate();
var dx = m ? m.matrix.e : 0, dy = m ? m.matrix.f : 0;
return [box.x + box.width / 2 + dx, box.y + box.height / 2 + dy, g.getAttribute('visibility')];
"""


def test_each_label_is_drawn_where_the_engines_placer_put_it(browser, mlp):
    """The page draws a label centred on the spot of the lesson data (engine.placement), not its own guess."""
    path, trace, _narrator = mlp
    from test_lesson import lesson_data
    lesson = lesson_data(path.read_text(encoding="utf-8"))
    k = trace.steps.index(trace.edge("V", "Va"))
    open_page(browser, path)
    press(browser, Keys.HOME, *[Keys.ARROW_RIGHT] * (k + 1))
    frame = lesson["examples"][0]["steps"][k]["done"]
    checked = 0
    for i, edge in enumerate(lesson["edges"]):
        place = frame["at"][i]
        if place is None:
            continue
        x, y, visibility = browser.execute_script(LABEL_CENTRE, edge["id"])
        assert visibility == "visible"
        assert abs(x - place[0]) < 1 and abs(y - place[1]) < 1, edge["id"]
        checked += 1
    assert checked >= 5


def test_a_link_opens_the_page_at_its_step(browser, mlp):
    path, trace, narrator = mlp
    k = next(i for i, s in enumerate(trace.steps) if s.kind == "backward") + 2  # as the page counts, from 1
    browser.get(path.as_uri() + f"#step={k}")
    WebDriverWait(browser, 10).until(
        lambda d: d.find_element(By.ID, "player").get_attribute("data-step") == str(k - 1))
    assert caption(browser) == narrator.caption(k - 1)
    assert browser.find_element(By.ID, "step-info").text.startswith(f"Step {k} of {len(trace)}")
    browser.get(path.as_uri() + "#step=2")  # a new address on the same page moves it too
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "player").get_attribute("data-step") == "1")
