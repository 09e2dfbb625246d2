"""Fetches a print button's PDF the way the browser's download does: its href, with the
browser's cookies (the desk's session), and reads it back with pdftotext."""
import subprocess
import tempfile
import urllib.request


def fetch_pdf(driver, link):
    """The PDF behind a print link; checks the download headers the web apps promise."""
    assert link.get_attribute("download") is not None, "a print link downloads"
    cookies = "; ".join("%s=%s" % (c["name"], c["value"]) for c in driver.get_cookies())
    request = urllib.request.Request(link.get_attribute("href"), headers={"Cookie": cookies})
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Type"] == "application/pdf", response.headers["Content-Type"]
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith('attachment; filename="') and disposition.isascii(), disposition
        assert response.headers["Cache-Control"] == "no-store", response.headers["Cache-Control"]
        pdf = response.read()
    assert pdf.startswith(b"%PDF"), pdf[:16]
    return pdf


def pdf_text(pdf):
    """pdftotext's text of a PDF, without whitespace (CJK cells may break across lines)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", handle.name, "-"], capture_output=True, text=True, check=True).stdout
    return "".join(text.split())
