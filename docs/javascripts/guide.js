// Quiz, test mode and answer boxes (see tests/test_browser_quiz.py).
