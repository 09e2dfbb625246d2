#!/usr/bin/env python3
"""Fills a Harbin and a Beijing 2025 application in the station web app in headless Chromium,
field by field from a generated sample's data, as a registrar would: sees the inline error for
a wrong ID check digit, attaches the photos, 暂存, reloads, 提交. Then the bundle must pass
`enroll validate --trust`, its form.json must equal the data typed, and 打印回执 must download
the receipt."""
import argparse
import glob
import json
import os
import subprocess
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from printed import fetch_pdf, pdf_text

FORMS = ["harbin-public-primary-2024", "beijing-nonlocal-primary-2025"]


def leaves(value, tokens=()):
    """(pointer, text) for every leaf of a document, in document order."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield from leaves(child, tokens + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from leaves(child, tokens + (str(index),))
    else:
        text = "true" if value is True else "false" if value is False else str(value)
        yield "/" + "/".join(t.replace("~", "~0").replace("/", "~1") for t in tokens), text


def driver_for(out):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,2000", "--lang=zh-CN"]:
        options.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


class Registrar:
    def __init__(self, driver, out):
        self.driver = driver
        self.out = out
        self.wait = WebDriverWait(driver, 15)

    def shot(self, name):
        path = os.path.join(self.out, name + ".png")
        height = self.driver.execute_script("return document.body.scrollHeight")
        self.driver.set_window_size(1280, min(max(height, 800), 12000))
        self.driver.save_screenshot(path)
        self.driver.set_window_size(1280, 2000)
        return path

    def control(self, pointer):
        found = self.driver.find_elements(By.CSS_SELECTOR, '[name="%s"]' % pointer.replace('"', '\\"'))
        return found[0] if found else None

    def labelled(self, pointer):
        """The control for a field, found through its <label for>; fails if it has none."""
        element = self.control(pointer)
        if element is None:
            return None
        labels = self.driver.find_elements(By.CSS_SELECTOR, 'label[for="%s"]' % element.get_attribute("id"))
        assert labels and labels[0].text.strip(), "field %s has no label" % pointer
        return self.driver.find_element(By.ID, labels[0].get_attribute("for"))

    def include_section(self, pointer):
        section = "/" + pointer.split("/")[1]
        boxes = self.driver.find_elements(By.CSS_SELECTOR, 'input[name="include:%s"]' % section)
        if boxes and not boxes[0].is_selected():
            self.scroll(boxes[0])
            boxes[0].click()

    def add_item(self, pointer):
        tokens = pointer.split("/")
        for cut in range(len(tokens) - 1, 1, -1):
            if tokens[cut].isdigit():
                array = "/".join(tokens[:cut])
                buttons = self.driver.find_elements(By.CSS_SELECTOR, 'fieldset[data-array="%s"] > button[data-add]' % array)
                if buttons:
                    self.scroll(buttons[0])
                    buttons[0].click()
                    return True
        return False

    def scroll(self, element):
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)

    def fill(self, pointer, text):
        self.include_section(pointer)
        element = self.labelled(pointer)
        if element is None and self.add_item(pointer):
            element = self.labelled(pointer)
        assert element is not None, "no control for %s" % pointer
        assert element.is_enabled(), "the control for %s is disabled" % pointer
        self.scroll(element)
        tag = element.tag_name
        kind = element.get_attribute("type")
        if element.get_attribute("readonly") is not None:
            # A value the schema's conditions fix (a foreign child's 无): the page has set it.
            assert element.get_attribute("value") == text, "%s is fixed to %r, the data says %r" % (
                pointer, element.get_attribute("value"), text)
            return
        if tag == "select":
            Select(element).select_by_value(text)
        elif kind == "checkbox":
            if element.is_selected() != (text == element.get_attribute("value")):
                element.click()
        elif kind == "date":
            self.driver.execute_script(
                "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change', {bubbles: true}));", element, text)
        else:
            element.clear()
            element.send_keys(text)
        element.send_keys(Keys.TAB) if tag != "select" and kind != "checkbox" else self.driver.execute_script(
            "arguments[0].dispatchEvent(new FocusEvent('focusout', {bubbles: true}));", element)

    def message(self, pointer):
        element = self.control(pointer)
        described = element.get_attribute("aria-describedby")
        return self.driver.find_element(By.ID, described).text if described else ""


def foreign_child(registrar, form):
    """The schema's foreign-child rules, applied in the page: a child whose 国籍 is not 中国 has
    无 for each hukou field and a passport or permanent residence ID; back to 中国, 无 goes."""
    driver = registrar.driver
    nationality = registrar.labelled("/student/nationality")
    if nationality.tag_name == "select":
        choices = [o.get_attribute("value") for o in Select(nationality).options]
    else:
        listed = nationality.get_attribute("list")
        choices = [o.get_attribute("value") for o in driver.find_elements(By.CSS_SELECTOR, "#%s option" % listed)] if listed else []
    other = next((c for c in choices if c not in ("", "中国")), "法国")
    registrar.fill("/student/nationality", other)
    for pointer in ["/hukou/province", "/hukou/address", "/hukou/type"]:
        registrar.include_section(pointer)
        element = registrar.control(pointer)
        assert element.get_attribute("value") == "无", "%s of a foreign child is %r" % (pointer, element.get_attribute("value"))
    id_types = [o.get_attribute("value") for o in Select(registrar.control("/student/idType")).options
                if o.get_attribute("value") and not o.get_property("disabled")]
    assert sorted(id_types) == sorted(["护照", "外国人永久居留身份证"]), id_types
    registrar.scroll(registrar.control("/hukou/province"))
    registrar.shot(form + "-0-foreign-child")
    registrar.fill("/student/nationality", "中国")
    assert registrar.control("/hukou/province").get_attribute("value") == "", "无 is not a Chinese child's province"
    assert registrar.control("/hukou/address").get_attribute("value") == "", "the 无 the page put in is taken out"
    assert registrar.control("/hukou/address").get_attribute("readonly") is None
    assert "居民身份证" in [o.get_attribute("value") for o in Select(registrar.control("/student/idType")).options
                          if not o.get_property("disabled")]
    print("browser: %s applies the foreign-child rules in the page" % form)


def run_form(registrar, args, form):
    driver = registrar.driver
    bundle = glob.glob(os.path.join(args.samples, form, "*"))[0]
    with open(os.path.join(bundle, "data", "form.json"), encoding="utf-8") as handle:
        document = json.load(handle)
    driver.get(args.url + "/forms/%s/new" % form)
    assert "http" not in (driver.find_element(By.CSS_SELECTOR, "link[rel=stylesheet]").get_attribute("href") or "").replace(args.url, "")
    registrar.shot(form + "-1-empty")

    if registrar.control("/hukou/province") is not None and registrar.control("/hukou/province").get_attribute("data-limits"):
        foreign_child(registrar, form)

    fields = list(leaves(document))
    id_pointer = "/student/idNumber"
    good_id = dict(fields)[id_pointer]
    for pointer, text in fields:
        if pointer == id_pointer:
            # A wrong check digit first: the engine's message appears at the field when it is left.
            wrong = good_id[:-1] + ("1" if good_id[-1] != "1" else "2")
            registrar.fill(pointer, wrong)
            registrar.wait.until(lambda d: registrar.control(id_pointer).get_attribute("aria-invalid") == "true")
            message = registrar.message(id_pointer)
            assert "form.format.cn-" in message and ("身份证" in message or "居住证" in message), message
            registrar.scroll(registrar.control(id_pointer))
            registrar.shot(form + "-2-wrong-id")
            registrar.fill(pointer, text)
            registrar.wait.until(lambda d: registrar.control(id_pointer).get_attribute("aria-invalid") != "true")
        else:
            registrar.fill(pointer, text)

    # The photos, several per slot where the slot allows.
    for slot_dir in sorted(glob.glob(os.path.join(bundle, "data", "attachments", "*"))):
        slot = os.path.basename(slot_dir)
        files = sorted(glob.glob(os.path.join(slot_dir, "*")))
        element = driver.find_element(By.CSS_SELECTOR, 'input[name="attachment:%s"]' % slot)
        assert driver.find_elements(By.CSS_SELECTOR, 'label[for="%s"]' % element.get_attribute("id"))
        registrar.scroll(element)
        element.send_keys("\n".join(files))
    registrar.shot(form + "-3-filled")

    # 暂存, then reload: the draft is all there.
    driver.find_element(By.CSS_SELECTOR, 'button[name="_action"][value="save"]').click()
    try:
        registrar.wait.until(EC.url_contains("saved="))
    except Exception:
        registrar.shot(form + "-4-save-failed")
        problems = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".msg, .summary") if e.text.strip()]
        raise AssertionError("暂存 did not go through (%s): %s" % (driver.current_url, problems[:10] or driver.page_source[:2000]))
    driver.refresh()
    registrar.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "form[data-check]")))
    for pointer, text in fields:
        element = registrar.control(pointer)
        assert element is not None, "after reload: no control for %s" % pointer
        if element.get_attribute("type") == "checkbox":
            assert element.is_selected(), pointer
        else:
            assert element.get_attribute("value") == text, "after reload %s = %r, typed %r" % (pointer, element.get_attribute("value"), text)
    thumbs = driver.find_elements(By.CSS_SELECTOR, "ul.thumbs img")
    assert len(thumbs) >= 3, "thumbnails of the saved photos"
    assert all(driver.execute_script("return arguments[0].naturalWidth", img) > 0 for img in thumbs), "every thumbnail loads"
    registrar.shot(form + "-4-draft-reloaded")

    # 提交.
    driver.find_element(By.CSS_SELECTOR, 'button[name="_action"][value="submit"]').click()
    try:
        registrar.wait.until(EC.url_contains("/applications/"))
    except Exception:
        registrar.shot(form + "-5-submit-failed")
        problems = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".msg") if e.text.strip()]
        raise AssertionError("提交 did not go through: %s" % problems[:10])
    application_id = driver.find_element(By.ID, "application-id").text.strip()
    registrar.shot(form + "-5-submitted")

    submitted = glob.glob(os.path.join(args.station_dir, "bundles", application_id + "-r1"))
    assert submitted, "the signed bundle of %s" % application_id
    result = subprocess.run(
        [args.enroll, "validate", "--trust", args.trust, "--schemas", args.schemas, "--format", "json", submitted[0]],
        capture_output=True, text=True)
    assert result.returncode == 0, "enroll validate --trust: %s %s" % (result.stdout, result.stderr)
    report = json.loads(result.stdout)
    assert report["summary"]["valid"] == 1, report
    with open(os.path.join(submitted[0], "data", "form.json"), encoding="utf-8") as handle:
        stored = json.load(handle)
    assert stored == document, "form.json differs from the data typed"
    for slot_dir in glob.glob(os.path.join(bundle, "data", "attachments", "*")):
        slot = os.path.basename(slot_dir)
        assert len(os.listdir(os.path.join(submitted[0], "data", "attachments", slot))) == len(os.listdir(slot_dir)), slot
    print("browser: %s submitted as %s, validated with the station key" % (form, application_id))

    # 打印回执 downloads the signed receipt; the collection form waits for the district's number.
    receipt = pdf_text(fetch_pdf(driver, driver.find_element(By.ID, "print-receipt")))
    assert application_id in receipt, "the receipt names the application ID"
    assert driver.find_element(By.ID, "print-collection-form").get_attribute("disabled") is not None
    why = driver.find_element(By.ID, "print-collection-form-why")
    assert why.get_attribute("data-code") == "print.number-missing" and ("collection number" in why.text or "信息采集编号" in why.text), why.text


def main():
    parser = argparse.ArgumentParser()
    for name in ["url", "samples", "station-dir", "enroll", "trust", "schemas", "out"]:
        parser.add_argument("--" + name, required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    driver = driver_for(args.out)
    try:
        registrar = Registrar(driver, args.out)
        for form in FORMS:
            run_form(registrar, args, form)
        driver.get(args.url + "/")
        registrar.shot("6-todays-work")
        rows = driver.find_elements(By.CSS_SELECTOR, "td.state-submitted")
        assert len(rows) == len(FORMS), "today's list shows both submitted applications"
    finally:
        driver.quit()


if __name__ == "__main__":
    try:
        main()
    except AssertionError as error:
        print("browser test failed: %s" % error, file=sys.stderr)
        sys.exit(1)
