/*
 * A work plan's progress, live: each update another member reports replaces the activity's
 * progress fragment (server-rendered) on the page's one socket (live.js), replayed after a
 * reconnect from the last sequence seen. Without this script the page shows what it was rendered with.
 *
 * The progress forms post with fetch (`Accept: application/json`, workplans/views.py): the answer
 * is said in the form's own live regions (the confirmation in its status line, the errors in its
 * alert, with the focus on the first field refused) and the page stays where the member is.
 * Without this script the form is a plain POST that comes back to the activity.
 *
 * An activity's progress history is fetched the first time it is opened (and again when a live
 * update re-renders an open one); without this script its link opens the history's own page.
 */
(function () {
  "use strict";

  // The re-rendered progress keeps an open history open and the focus that was inside it.
  function replaceProgress(target, html) {
    var hadFocus = target.contains(document.activeElement);
    var historyOpen = Boolean(target.querySelector(".progress-history[open]"));
    target.innerHTML = html;
    var history = target.querySelector(".progress-history");
    if (history && historyOpen) {
      history.open = true;
    }
    if (hadFocus) {
      var summary = target.querySelector("summary");
      if (!summary) {
        target.setAttribute("tabindex", "-1");
      }
      (summary || target).focus();
    }
  }

  function showErrors(form, data) {
    var box = form.querySelector("[data-progress-errors]");
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (field) {
      field.removeAttribute("aria-invalid");
      var described = (field.getAttribute("aria-describedby") || "").replace(box.id, "").trim();
      if (described) {
        field.setAttribute("aria-describedby", described);
      } else {
        field.removeAttribute("aria-describedby");
      }
    });
    box.textContent = "";
    if (!data) {
      return;
    }
    (data.errors || [data.message]).forEach(function (message) {
      var line = document.createElement("p");
      line.textContent = message;
      box.appendChild(line);
    });
    var first = null;
    Object.keys(data.fields || {}).forEach(function (name) {
      var field = form.querySelector('[name="' + CSS.escape(name) + '"]:not([type=hidden])');
      if (!field) {
        return;
      }
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", ((field.getAttribute("aria-describedby") || "") + " " + box.id).trim());
      first = first || field;
    });
    if (first) {
      first.focus();
      if (first.select && first.type !== "file") {
        first.select(); // typed over, as when tabbing into it
      }
    }
  }

  function send(form, plan) {
    if (form.dataset.sending) {
      return;
    }
    form.dataset.sending = "1"; // not `disabled` on the button: that would take the focus away from it
    var status = form.querySelector("[data-progress-status]");
    status.textContent = ""; // emptied first, so that the same words said again are announced again
    showErrors(form, null);
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") !== -1;
        if (!json || (!response.ok && response.status !== 400)) {
          throw new Error("not an answer of the progress view");
        }
        return response.json().then(function (data) {
          return { ok: response.ok, data: data };
        });
      })
      .then(
        function (result) {
          if (!result.ok) {
            showErrors(form, result.data);
            return;
          }
          var target = plan.querySelector('[data-progress-activity="' + result.data.activity + '"]');
          if (target && result.data.html) {
            replaceProgress(target, result.data.html);
          }
          form.querySelector("textarea[name=note]").value = ""; // sent with this update
          form.querySelector("input[name=evidence]").value = "";
          status.textContent = result.data.message;
        },
        function () {
          // A sign-in page, a refusal or no network: the plain POST shows what the server says.
          form.submit();
        }
      )
      .finally(function () {
        delete form.dataset.sending;
      });
  }

  function openHistory(details, plan) {
    var content = details.querySelector("[data-progress-history-content]");
    var fallback = content && content.querySelector("[data-progress-history-fallback]");
    if (!details.open || !fallback || details.dataset.loading || !window.fetch) {
      return;
    }
    details.dataset.loading = "1";
    details.setAttribute("aria-busy", "true");
    fetch(details.dataset.progressHistory, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.text();
      })
      .then(function (html) {
        content.innerHTML = html;
      })
      .catch(function () {
        var error = fallback.querySelector("[data-progress-history-error]") || document.createElement("span");
        error.setAttribute("data-progress-history-error", "");
        error.setAttribute("role", "alert");
        error.className = "form-errors";
        error.textContent = " " + plan.dataset.textHistoryFailed;
        fallback.appendChild(error);
      })
      .then(function () {
        delete details.dataset.loading;
        details.removeAttribute("aria-busy");
      });
  }

  function start() {
    var plan = document.querySelector("[data-progress-stream]");
    if (!plan) {
      return;
    }
    // "toggle" does not bubble: listened to while it goes down, it also reaches histories that a
    // live update put on the page after this ran.
    plan.addEventListener(
      "toggle",
      function (event) {
        if (event.target.matches && event.target.matches("details[data-progress-history]")) {
          openHistory(event.target, plan);
        }
      },
      true
    );
    Array.prototype.forEach.call(plan.querySelectorAll("details[data-progress-history][open]"), function (details) {
      openHistory(details, plan);
    });
    if (window.fetch && window.FormData) {
      Array.prototype.forEach.call(plan.querySelectorAll("[data-progress-form]"), function (form) {
        form.noValidate = true; // the server's messages, in the member's language, not the browser's
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          send(form, plan);
        });
      });
    }
    if (!window.WorkspaceLive || !window.WebSocket || !plan.dataset.progressStream) {
      return;
    }
    var live = window.WorkspaceLive.socket(plan.dataset.liveSocket);
    var after = parseInt(plan.dataset.progressSequence || "0", 10);
    live.subscribe(plan.dataset.progressStream, after, {
      event: function (event) {
        var target = plan.querySelector('[data-progress-activity="' + event.activity + '"]');
        if (target && event.html) {
          var holder = document.createElement("div");
          holder.innerHTML = event.html;
          var fresh = holder.querySelector("[data-progress-activity]");
          if (fresh) {
            target.replaceWith(fresh);
          } else {
            replaceProgress(target, event.html);
          }
        }
      },
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
