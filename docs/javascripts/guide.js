// Quiz and test mode (see tests/test_browser_quiz.py).
//
// The quiz of Part I is plain HTML written at build time by snippets/render/quiz.py: a form
// per question, a checkbox per option, the answer key in data-right attributes. This script
// scores it with the exam's rule and adds the site-wide test mode, which hides every
// solution until the reader asks for it. No dependencies and no network: the only state is
// kept in this browser's localStorage, under keys that start with "i2dl-".
(function () {
  "use strict";

  var PREFIX = "i2dl-";
  var TEST_MODE_KEY = PREFIX + "test-mode";
  var TEST_MODE_CLASS = "guide-test-mode";

  // --- storage: never fails, even where localStorage is blocked -------------------------

  function load(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (error) {
      return null;
    }
  }

  function store(key, value) {
    try {
      if (value === null) {
        window.localStorage.removeItem(key);
      } else {
        window.localStorage.setItem(key, value);
      }
    } catch (error) {
      // Private windows may refuse storage: the page still works, it only forgets.
    }
  }

  // A count and its noun in agreement, as plural() in snippets/render/quiz.py: "1 box", "4 boxes".
  function plural(count, singular, pluralForm) {
    return count + " " + (count === 1 ? singular : pluralForm || singular + "s");
  }

  function points(value) {
    return plural(value, "point");
  }

  function all(root, selector) {
    return Array.prototype.slice.call(root.querySelectorAll(selector));
  }

  function testModeOn() {
    return document.documentElement.classList.contains(TEST_MODE_CLASS);
  }

  // --- the quiz: the exam's rule, as score() in snippets/render/quiz.py ----------------

  function boxes(form) {
    return all(form, 'input[type="checkbox"]');
  }

  function isTrue(box) {
    return box.getAttribute("data-right") === "true";
  }

  // All of the question's points when every box is right (none checked is an answer too).
  function score(form) {
    var max = Number(form.getAttribute("data-points"));
    var wrong = boxes(form).filter(function (box) {
      return box.checked !== isTrue(box);
    }).length;
    return { wrong: wrong, count: boxes(form).length, points: wrong === 0 ? max : 0, max: max };
  }

  function question(form) {
    return "Question " + form.getAttribute("data-label");
  }

  function scored(form) {
    return form.getAttribute("data-scored") === "true";
  }

  // A checked question's status line: its score and the part's running total.
  function showScore(form, total) {
    var result = score(form);
    var detail = result.wrong === 0
      ? "every box is right."
      : result.wrong + " of " + plural(result.count, "box", "boxes") +
        (result.wrong === 1 ? " is wrong." : " are wrong.");
    var status = form.querySelector("[data-quiz-score]");
    status.classList.toggle("quiz-score--full", result.wrong === 0);
    status.classList.toggle("quiz-score--zero", result.wrong !== 0);
    status.textContent = (result.wrong === 0 ? "✓ " : "✗ ") + question(form) + ": " +
      result.points + " of " + points(result.max) + ", " + detail + " Total: " + total.sum +
      " of " + points(total.max) + ".";
  }

  // The reader's total over the questions checked so far, shown under the part's total and
  // in the status line of every checked question: all of them are rewritten together, so
  // that they agree however many questions were checked, or restored, since.
  function updateTotal() {
    var forms = all(document, "form.quiz");
    var done = forms.filter(scored);
    var total = {
      sum: done.reduce(function (acc, form) {
        return acc + score(form).points;
      }, 0),
      max: forms.reduce(function (acc, form) {
        return acc + score(form).max;
      }, 0),
    };
    all(document, "[data-quiz-total]").forEach(function (summary) {
      var line = summary.querySelector("[data-quiz-total-score]");
      if (!line) return;
      line.hidden = done.length === 0;
      line.textContent =
        "Your score: " + total.sum + " of " + points(Number(summary.getAttribute("data-max"))) +
        " (" + done.length + " of " + plural(forms.length, "question") + " checked).";
    });
    done.forEach(function (form) {
      showScore(form, total);
    });
    return total;
  }

  function save(form) {
    store(PREFIX + form.id, JSON.stringify({
      boxes: boxes(form).map(function (box) {
        return box.checked;
      }),
      scored: scored(form),
    }));
  }

  // The question's answer and demonstration: closed blocks after the form, in a
  // <div class="quiz-solutions" data-quiz-for="(the form's id)"> (docs/part-1-multiple-choice.md).
  function solutionsOf(form) {
    return document.querySelector('.quiz-solutions[data-quiz-for="' + form.id + '"]');
  }

  // Show or hide the per-option verdicts, the answer and the demonstration: after Check, and
  // in test mode only after "Reveal the answers".
  function showVerdicts(form) {
    var visible = scored(form) && (!testModeOn() || form.getAttribute("data-revealed") === "true");
    // The colours give the answer away as much as the text: both wait for the reveal.
    all(form, ".quiz-option").forEach(function (option) {
      var verdict = option.getAttribute("data-verdict");
      option.classList.toggle("quiz-option--right", visible && verdict === "right");
      option.classList.toggle("quiz-option--wrong", visible && verdict === "wrong");
      option.querySelector(".quiz-feedback").hidden = !visible;
    });
    // While waiting, a closed block is not shown (quiz.css): nothing to open before Check.
    var solutions = solutionsOf(form);
    if (solutions) {
      solutions.toggleAttribute("data-quiz-waiting", !visible);
      if (!visible) {
        all(solutions, ":scope > details").forEach(function (block) {
          block.open = false;
        });
      }
    }
    var reveal = form.querySelector("[data-quiz-reveal]");
    if (reveal) {
      reveal.hidden = !(scored(form) && testModeOn());
      reveal.setAttribute("aria-expanded", String(visible));
      reveal.textContent = visible ? "Hide the answers" : "Reveal the answers";
    }
  }

  function check(form) {
    form.setAttribute("data-scored", "true");
    all(form, ".quiz-option").forEach(function (option) {
      var box = option.querySelector('input[type="checkbox"]');
      var right = box.checked === isTrue(box);
      option.setAttribute("data-verdict", right ? "right" : "wrong");
      var mark = option.querySelector("[data-quiz-mark]");
      var should = isTrue(box) ? "checked" : "empty";
      mark.textContent = right
        ? "✓ Your box is right (" + should + ")."
        : "✗ Your box is wrong: it should be " + should + ".";
    });
    showVerdicts(form);
    updateTotal(); // writes this question's status line too
    save(form);
  }

  function clear(form, message) {
    form.setAttribute("data-scored", "false");
    form.setAttribute("data-revealed", "false");
    all(form, ".quiz-option").forEach(function (option) {
      option.removeAttribute("data-verdict");
      option.querySelector("[data-quiz-mark]").textContent = "";
    });
    showVerdicts(form);
    var status = form.querySelector("[data-quiz-score]");
    status.classList.remove("quiz-score--full", "quiz-score--zero");
    status.textContent = message;
    updateTotal();
    save(form);
  }

  function setupQuiz(form) {
    if (form.getAttribute("data-enhanced") === "true") return;
    form.setAttribute("data-enhanced", "true");
    form.querySelector(".quiz-actions").hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    form.querySelector("[data-quiz-check]").addEventListener("click", function () {
      check(form);
    });
    form.querySelector("[data-quiz-reset]").addEventListener("click", function () {
      boxes(form).forEach(function (box) {
        box.checked = false;
      });
      clear(form, question(form) + ": reset, every box empty.");
      store(PREFIX + form.id, null);
    });
    form.querySelector("[data-quiz-reveal]").addEventListener("click", function () {
      var revealed = form.getAttribute("data-revealed") === "true";
      form.setAttribute("data-revealed", String(!revealed));
      showVerdicts(form);
    });
    boxes(form).forEach(function (box) {
      box.addEventListener("change", function () {
        if (scored(form)) {
          clear(form, question(form) + ": answer changed, press Check to score it again.");
        } else {
          save(form);
        }
      });
    });
    // Restore the answer kept from an earlier visit.
    var saved = null;
    try {
      saved = JSON.parse(load(PREFIX + form.id) || "null");
    } catch (error) {
      saved = null;
    }
    if (saved && Array.isArray(saved.boxes) && saved.boxes.length === boxes(form).length) {
      boxes(form).forEach(function (box, index) {
        box.checked = saved.boxes[index] === true;
      });
      if (saved.scored === true) check(form);
    }
    showVerdicts(form);
  }

  // --- test mode: every solution hidden until the reader reveals it --------------------

  // A solution is a closed <details class="success"> (md.solution) or any element with the
  // class guide-solution (its data-title names it): a question's answer, worked solution and
  // evidence together (md.unit), or Part I's demonstrations.
  function setupReveal(solution, index) {
    if (solution.getAttribute("data-enhanced") === "true") return;
    solution.setAttribute("data-enhanced", "true");
    if (!solution.id) solution.id = "guide-solution-" + (index + 1);
    var summary = solution.tagName === "DETAILS" ? solution.querySelector("summary") : null;
    var title = summary
      ? summary.textContent.trim()
      : solution.getAttribute("data-title") || "Solution";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "md-button guide-reveal guide-reveal--solution";
    button.setAttribute("aria-controls", solution.id);
    button.setAttribute("aria-expanded", "false");
    button.textContent = "Reveal: " + title;
    button.addEventListener("click", function () {
      var reveal = !solution.classList.contains("guide-revealed");
      solution.classList.toggle("guide-revealed", reveal);
      if (solution.tagName === "DETAILS") solution.open = reveal;
      button.setAttribute("aria-expanded", String(reveal));
      button.textContent = (reveal ? "Hide: " : "Reveal: ") + title;
    });
    solution.parentNode.insertBefore(button, solution);
  }

  function applyTestMode(on) {
    document.documentElement.classList.toggle(TEST_MODE_CLASS, on);
    all(document, ".guide-test-toggle").forEach(function (toggle) {
      toggle.setAttribute("aria-pressed", String(on));
    });
    all(document, ".guide-test-note").forEach(function (note) {
      note.textContent = on
        ? "On: every answer stays hidden until you press its Reveal button."
        : "Off: answers are folded under each question; open one once you have tried it.";
    });
    all(document, "form.quiz").forEach(showVerdicts);
  }

  function setupToolbar(content) {
    if (content.querySelector(".guide-toolbar")) return;
    var bar = document.createElement("div");
    bar.className = "guide-toolbar";
    var toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "guide-test-toggle";
    toggle.setAttribute("aria-pressed", "false");
    toggle.setAttribute("aria-describedby", "guide-test-note");
    toggle.textContent = "Test mode";
    var note = document.createElement("span");
    note.className = "guide-test-note";
    note.id = "guide-test-note";
    toggle.addEventListener("click", function () {
      var on = !testModeOn();
      store(TEST_MODE_KEY, on ? "on" : null);
      applyTestMode(on);
    });
    bar.appendChild(toggle);
    bar.appendChild(note);
    var title = content.querySelector("h1");
    if (title && title.parentNode === content) {
      content.insertBefore(bar, title.nextSibling);
    } else {
      content.insertBefore(bar, content.firstChild);
    }
  }

  // --- start, on every page (mkdocs-material's document$ also fires on instant loading) ---

  // --- accessibility of the theme and of wide formulas ---

  // A formula, table or figure wider than the column scrolls sideways. It is marked, so that
  // guide.css shows a shadow at each edge with more to see, and made focusable, so that a
  // keyboard can scroll it too; a box that fits again loses both. A box not shown (a closed
  // solution, another tab) keeps its state until it is shown again.
  function markScrollable(root) {
    all(root, ".katex-display, .md-typeset__scrollwrap, figure.guide-svg").forEach(function (box) {
      if (!box.getClientRects().length) return;
      var wide = box.scrollWidth > box.clientWidth + 1; // a pixel of rounding is no scroll
      if (wide === box.classList.contains("guide-scrolls")) return;
      box.classList.toggle("guide-scrolls", wide);
      if (wide) {
        box.setAttribute("tabindex", "0");
      } else {
        box.removeAttribute("tabindex");
      }
    });
  }

  function nameSearchDialog() {
    var search = document.querySelector(".md-search[role=dialog]");
    if (search && !search.hasAttribute("aria-label")) search.setAttribute("aria-label", "Search");
  }

  function init() {
    nameSearchDialog();
    var on = load(TEST_MODE_KEY) === "on";
    document.documentElement.classList.toggle(TEST_MODE_CLASS, on);
    var content = document.querySelector("article.md-content__inner") || document.body;
    // A question's answers (.guide-answers, from md.unit) reveal together, with one button.
    var solutions = all(content, "details.success, .guide-solution").filter(function (el) {
      return !(el.parentNode && el.parentNode.closest && el.parentNode.closest(".guide-solution"));
    });
    var quizzes = all(content, "form.quiz");
    solutions.forEach(setupReveal);
    quizzes.forEach(setupQuiz);
    if (solutions.length || quizzes.length) setupToolbar(content);
    applyTestMode(on);
    updateTotal();
    markScrollable(content);
  }

  // Opening a solution or a tab can show wide formulas; a narrower window, or KaTeX's fonts
  // once loaded, can make more of them wide.
  function markAllScrollable() {
    markScrollable(document.querySelector("article.md-content__inner") || document.body);
  }
  document.addEventListener(
    "toggle",
    function (event) {
      if (event.target.open) markScrollable(event.target);
    },
    true
  );
  document.addEventListener("change", function (event) {
    var tabs = event.target.closest && event.target.closest(".tabbed-set");
    if (tabs) markScrollable(tabs);
  });
  window.addEventListener("resize", markAllScrollable);
  if (document.fonts) document.fonts.addEventListener("loadingdone", markAllScrollable);

  // Another tab switched test mode: follow it.
  window.addEventListener("storage", function (event) {
    if (event.key === TEST_MODE_KEY) applyTestMode(event.newValue === "on");
  });

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
