// Answer boxes of the practice pages (see tests/test_browser_practice.py).
