// Answer boxes of the practice pages (see tests/test_browser_practice.py).
//
// Each variant's form is plain HTML written at build time by snippets/render/practice.py:
// one labelled input per asked number, with the right value in data-answer and the accepted
// distance in data-tolerance. This script checks what the reader typed against them, in
// the browser: no server, no network, nothing stored. Right and wrong are said in words
// and with a ✓ or ✗, colour comes second.
(function () {
  "use strict";

  var RIGHT_CLASS = "quiz-score--full"; // the quiz's colours for right and wrong (quiz.css)
  var WRONG_CLASS = "quiz-score--zero";
  var SLACK = 1e-9; // float noise of the typed value: 0.1 + 0.2 is not 0.3

  function all(root, selector) {
    return Array.prototype.slice.call(root.querySelectorAll(selector));
  }

  // --- reading a typed number ---------------------------------------------------------------

  // Returns a number, or null for an empty box, or NaN for text that is not a number.
  // Accepts a decimal point or comma (0.65, 0,65), a true minus sign (−1.5), a fraction
  // (27/9) and, in boxes for counts, thousands separators (34,944, 34 944, 34'944).
  function parse(text, count) {
    var s = String(text).trim().replace(/[\u2212\u2012\u2013\u2014]/g, "-");
    if (s === "") return null;
    s = s.replace(/^\+/, "");
    if (count && /^-?\d{1,3}([,' \u00a0\u202f]\d{3})+$/.test(s)) {
      s = s.replace(/[,' \u00a0\u202f]/g, "");
    }
    s = s.replace(/\s+/g, "");
    var fraction = /^(-?\d+(?:[.,]\d+)?)\/(-?\d+(?:[.,]\d+)?)$/.exec(s);
    if (fraction) {
      var denominator = Number(fraction[2].replace(",", "."));
      return denominator === 0 ? NaN : Number(fraction[1].replace(",", ".")) / denominator;
    }
    s = s.replace(",", ".");
    if (!/^-?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(s)) return NaN;
    return Number(s);
  }

  function tolerance(input) {
    return Number(input.getAttribute("data-tolerance"));
  }

  function notRight(input) {
    var t = tolerance(input);
    return t === 0
      ? "✗ Not right: a count must be exact."
      : "✗ Not right: off by more than ±" + t + ".";
  }

  // --- one box, one form --------------------------------------------------------------------

  function mark(input) {
    return document.getElementById(input.id + "-mark");
  }

  function setMark(input, state, text) {
    var node = mark(input);
    node.textContent = text;
    node.classList.toggle(RIGHT_CLASS, state === "right");
    node.classList.toggle(WRONG_CLASS, state === "wrong");
    if (state === "wrong") {
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
  }

  // The verdict on one box: "right", "wrong", "invalid" or "empty".
  function checkBox(input) {
    var typed = parse(input.value, tolerance(input) === 0);
    if (typed === null) {
      setMark(input, "empty", "No answer yet.");
      return "empty";
    }
    if (isNaN(typed)) {
      setMark(input, "wrong", "✗ Not a number: type digits, a point or comma, and a minus sign.");
      return "invalid";
    }
    var answer = Number(input.getAttribute("data-answer"));
    if (Math.abs(typed - answer) <= tolerance(input) + SLACK) {
      setMark(input, "right", "✓ Right.");
      return "right";
    }
    setMark(input, "wrong", notRight(input));
    return "wrong";
  }

  function listed(names) {
    if (names.length < 2) return names.join("");
    return names.slice(0, -1).join(", ") + " and " + names[names.length - 1];
  }

  function check(form) {
    var boxes = all(form, "input[data-answer]");
    var verdicts = boxes.map(checkBox);
    var right = verdicts.filter(function (v) { return v === "right"; }).length;
    var empty = verdicts.filter(function (v) { return v === "empty"; }).length;
    var off = boxes.filter(function (box, i) {
      return verdicts[i] === "wrong" || verdicts[i] === "invalid";
    }).map(function (box) {
      return box.getAttribute("data-label");
    });
    var status = form.querySelector("[data-practice-score]");
    var text;
    if (right === boxes.length) {
      text = boxes.length === 1 ? "✓ Your answer is right." : "✓ All " + boxes.length + " answers are right.";
    } else if (empty === boxes.length) {
      text = "No answers yet: type a number in each box, then press Check.";
    } else {
      // "1 of 3 answers is right", "0 of 3 answers are right"; a single box: "is not right".
      text = boxes.length === 1
        ? "✗ Your answer is not right."
        : "✗ " + right + " of " + boxes.length + " answers " + (right === 1 ? "is" : "are") + " right.";
      if (off.length) text += " Not right: " + listed(off) + ".";
      if (empty) text += " " + empty + (empty === 1 ? " box is" : " boxes are") + " still empty.";
    }
    status.textContent = text;
    status.classList.toggle(RIGHT_CLASS, right === boxes.length);
    status.classList.toggle(WRONG_CLASS, right !== boxes.length && off.length > 0);
    form.setAttribute("data-checked", "true");
  }

  function clear(form) {
    all(form, "input[data-answer]").forEach(function (input) {
      input.value = "";
      setMark(input, "empty", "");
    });
    var status = form.querySelector("[data-practice-score]");
    status.classList.remove(RIGHT_CLASS, WRONG_CLASS);
    status.textContent = "Cleared: every box is empty.";
    form.removeAttribute("data-checked");
  }

  function setup(form) {
    if (form.getAttribute("data-enhanced") === "true") return;
    form.setAttribute("data-enhanced", "true");
    form.querySelector(".quiz-actions").hidden = false;
    // Check is the form's submit button: Enter in any box checks too.
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      check(form);
    });
    form.querySelector("[data-practice-clear]").addEventListener("click", function () {
      clear(form);
    });
    all(form, "input[data-answer]").forEach(function (input) {
      input.addEventListener("input", function () {
        if (mark(input).textContent) setMark(input, "empty", "");
        if (form.getAttribute("data-checked") === "true") {
          var status = form.querySelector("[data-practice-score]");
          status.classList.remove(RIGHT_CLASS, WRONG_CLASS);
          status.textContent = "Answer changed: press Check to check again.";
          form.removeAttribute("data-checked");
        }
      });
    });
  }

  // --- formulas wider than the column ------------------------------------------------------

  // guide.css lets a wide formula scroll sideways; a region that scrolls must be reachable by
  // keyboard (WCAG 2.1.1), so each formula that overflows now becomes focusable. Checked
  // again whenever a solution opens or the window changes size.
  function focusableScrollers() {
    all(document, ".md-content .katex-display").forEach(function (formula) {
      if (formula.scrollWidth > formula.clientWidth + 1) {
        formula.tabIndex = 0;
      } else if (formula.tabIndex === 0) {
        formula.removeAttribute("tabindex");
      }
    });
  }

  // --- start, on every page (mkdocs-material's document$ also fires on instant loading) ---

  var listening = false;

  function init() {
    var forms = all(document, "form[data-practice]");
    forms.forEach(setup);
    if (!forms.length) return;
    focusableScrollers();
    if (!listening) {
      listening = true;
      document.addEventListener("toggle", focusableScrollers, true); // toggle does not bubble
      window.addEventListener("resize", focusableScrollers);
    }
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
