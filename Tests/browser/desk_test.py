"""The district review desk in a real headless Chromium, two clerks at once.

Finds controls the way a person does, by their labels; downloads an admission notice. Prints what was decided as JSON for
desk-run.sh, which checks the audit log and the status archive afterwards.
"""
import argparse
import json
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from printed import fetch_pdf, pdf_text


def browser():
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1800", "--lang=zh-CN"):
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def by_label(driver, text):
    """The control a <label for> names, found by the label's text."""
    for label in driver.find_elements(By.TAG_NAME, "label"):
        if text in label.text and label.get_attribute("for"):
            return driver.find_element(By.ID, label.get_attribute("for"))
    raise AssertionError("no control labelled %r" % text)


def sign_in(driver, url, name, password):
    driver.get(url + "/queue")
    assert driver.current_url.endswith("/login"), driver.current_url
    by_label(driver, "Account").send_keys(name)
    by_label(driver, "Password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button").click()
    WebDriverWait(driver, 10).until(lambda d: d.current_url.endswith("/queue"))
    assert name in driver.find_element(By.CLASS_NAME, "who").text


def decide(driver, action):
    driver.find_element(By.ID, "action-" + action).click()
    driver.find_element(By.CSS_SELECTOR, "#decision button[type=submit]").click()
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.ID, "decision-done") or d.find_elements(By.ID, "decision-problem"))
    problems = driver.find_elements(By.ID, "decision-problem")
    assert not problems, problems[0].text


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    admin, first, second = browser(), browser(), browser()
    try:
        # The admin keeps the list of common rejection reasons.
        sign_in(admin, args.url, "wang.admin", args.password)
        admin.get(args.url + "/admin")
        common = "户口簿照片不清晰，请重新拍摄"
        by_label(admin, "New reason").send_keys(common)
        admin.find_element(By.CSS_SELECTOR, "form[action='/admin/reasons'] button").click()
        # The page reloads after the post: an element found just before the reload goes stale.
        WebDriverWait(admin, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
            lambda d: common in d.find_element(By.ID, "reasons").text)

        # Clerk 1 finds a Harbin application from the queue, looks at its photos, rejects it.
        sign_in(first, args.url, "li.clerk", args.password)
        Select(by_label(first, "Form")).select_by_value("harbin-public-primary-2024")
        first.find_element(By.CSS_SELECTOR, "form[action='/queue'] button").click()
        WebDriverWait(first, 10).until(lambda d: "form=harbin-public-primary-2024" in d.current_url)
        rows = first.find_elements(By.CSS_SELECTOR, "#queue tbody tr")
        assert len(rows) == 3, len(rows)
        link = rows[0].find_element(By.CSS_SELECTOR, "a")
        number = link.text
        link.click()
        WebDriverWait(first, 10).until(lambda d: d.find_elements(By.ID, "decision"))
        photos = first.find_elements(By.CSS_SELECTOR, "figure.document img")
        assert photos, "no document photos"
        for photo in photos:
            assert first.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", photo), photo.get_attribute("src")
        student = first.find_element(By.CSS_SELECTOR, "section[aria-labelledby=section-student]")
        photo = student.find_element(By.CSS_SELECTOR, "img")
        photo_id = photo.get_attribute("id")
        student.find_element(By.CSS_SELECTOR, "button[data-photo=%s][data-act=rotate]" % photo_id).click()
        student.find_element(By.CSS_SELECTOR, "button[data-photo=%s][data-act=zoom-in]" % photo_id).click()
        assert photo.get_attribute("data-rotation") == "90", photo.get_attribute("data-rotation")
        assert photo.get_attribute("data-zoom") == "1.25", photo.get_attribute("data-zoom")
        assert "rotate(90deg)" in photo.get_attribute("style")
        first.save_screenshot(args.out + "/application-photos.png")
        by_label(first, common).click()
        typed = "缺少房屋产权证照片"
        by_label(first, "Other reasons").send_keys(typed)
        decide(first, "reject")
        reasons = [li.text for li in first.find_elements(By.CSS_SELECTOR, "#current-reasons li")]
        assert reasons == [common, typed], reasons
        first.save_screenshot(args.out + "/rejected.png")

        # Clerk 2, in another browser at the same time, admits another application.
        sign_in(second, args.url, "zhao.clerk", args.password)
        Select(by_label(second, "Form")).select_by_value("beijing-nonlocal-primary-2025")
        second.find_element(By.CSS_SELECTOR, "form[action='/queue'] button").click()
        WebDriverWait(second, 10).until(lambda d: "form=beijing-nonlocal-primary-2025" in d.current_url)
        link = second.find_elements(By.CSS_SELECTOR, "#queue tbody tr a")[0]
        other = link.text
        assert other != number
        link.click()
        WebDriverWait(second, 10).until(lambda d: d.find_elements(By.ID, "decision"))
        decide(second, "verify")
        school = by_label(second, "School")
        school.clear()
        school.send_keys("北京市东城区第一小学")
        decide(second, "admit")
        assert "status-admitted" in second.page_source
        second.save_screenshot(args.out + "/admitted.png")
        # 打印入学通知书: the notice, signed with the district key, names the number and the school.
        notice = pdf_text(fetch_pdf(second, second.find_element(By.ID, "print-admission-notice")))
        assert other in notice and "北京市东城区第一小学" in notice, notice[:400]

        # Clerk 1's queue shows clerk 2's decision.
        first.get(args.url + "/queue?status=admitted")
        assert other in first.find_element(By.ID, "queue").text
        first.save_screenshot(args.out + "/queue-admitted.png")

        # Sign-out ends the session: the queue redirects to the sign-in page again.
        first.find_element(By.CSS_SELECTOR, "form[action='/logout'] button").click()
        first.get(args.url + "/queue")
        assert first.current_url.endswith("/login"), first.current_url

        json.dump({"rejected": {"number": number, "reasons": [common, typed]},
                   "admitted": {"number": other, "school": "北京市东城区第一小学"}}, sys.stdout, ensure_ascii=False)
    finally:
        for driver in (admin, first, second):
            driver.quit()


if __name__ == "__main__":
    main()
