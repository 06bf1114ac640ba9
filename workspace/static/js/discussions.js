/*
 * Live discussions: progressive enhancement of the discussion panel (templates/discussions/panel.html).
 *
 * Without this script every form still works (POST, redirect back to the comment). With it:
 * forms post with fetch (CSRF header, an idempotency key per submission, reused on retry), and the
 * page's one live socket (live.js) pushes server-rendered comments on the panel's stream,
 * replaying from the last sequence seen after a reconnect. The protocol is in docs/realtime.md.
 */
(function () {
  "use strict";

  if (window.workspaceDiscussions) {
    return; // several panels on one page load this file once each
  }
  window.workspaceDiscussions = true;

  var TYPING_EVERY_MS = 3000;
  var TYPING_SHOWN_MS = 4000;
  var MENTION_DELAY_MS = 150;
  // "@" + the start of a handle, right before the caret; as the mention parser reads them
  // (notifications.py), an "@" right after a letter, a digit, "." or "@" belongs to an address.
  // (Python's \w is Unicode: letters, digits and "_" of any script.)
  var MENTION_BEFORE_CARET = /(^|[^\p{L}\p{N}_@.])@([\p{L}\p{N}_.+-]+)$/u;

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID().replace(/-/g, "");
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, name) { return values[name]; });
  }

  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  // A comment re-rendered by an event (edited, hidden, restored) must not lose what someone was
  // typing in its reply or edit box, nor the open box itself, nor the focus.
  function keepDrafts(from, to) {
    Array.prototype.forEach.call(from.querySelectorAll("details[open] textarea, details[open] input[id]"), function (field) {
      var twin = field.id && to.querySelector("#" + CSS.escape(field.id));
      if (!twin) {
        return; // the box is gone (e.g. no replies to a hidden comment)
      }
      twin.value = field.value;
      if (field.form && field.form.dataset.pendingKey) {
        twin.form.dataset.pendingKey = field.form.dataset.pendingKey; // a retry stays the same submission
      }
      var details = twin.closest("details");
      if (details) {
        details.open = true;
      }
    });
  }

  function refocus(focused, article) {
    var twin = focused && focused.id && article.querySelector("#" + CSS.escape(focused.id));
    var action = focused && focused.dataset && focused.dataset.commentAction;
    if (!twin && action) {
      twin = article.querySelector('[data-comment-action="' + action + '"]'); // a link has no id
    }
    if (!twin) {
      return;
    }
    twin.focus();
    if (typeof focused.selectionStart === "number" && twin.setSelectionRange) {
      twin.setSelectionRange(focused.selectionStart, focused.selectionEnd);
    }
  }

  function Discussion(section) {
    this.section = section;
    this.data = section.dataset;
    this.threadId = this.data.threadId || null;
    this.lastSequence = parseInt(this.data.sequence || "0", 10);
    this.viewerId = this.data.viewerId;
    this.stream = this.data.stream;
    this.lastTyping = 0;
    this.typingTimer = null;
    this.list = section.querySelector("[data-comment-list]");
    this.announcer = section.querySelector("[data-announcer]");
    this.notice = section.querySelector("[data-connection-notice]");
    this.renderedLocked = Boolean(section.querySelector("[data-locked-notice]"));
    this.presence = section.querySelector("[data-presence]");
    this.typing = section.querySelector("[data-typing]");
    this.mentions = new MentionAutocomplete(section);
    this.sharedForms = section.querySelector("[data-shared-forms]");
    section.addEventListener("submit", this.onSubmit.bind(this));
    section.addEventListener("click", this.onOlder.bind(this));
    section.addEventListener("click", this.onCommentAction.bind(this));
    section.addEventListener("click", this.onCancel.bind(this));
    section.addEventListener("keydown", this.onFormKeydown.bind(this));
    section.addEventListener("input", this.onInput.bind(this));
    if (window.WorkspaceLive && window.WebSocket && this.data.liveSocket) {
      this.listen(window.WorkspaceLive.socket(this.data.liveSocket));
    }
  }

  // The page's one socket carries this panel's stream (from before its first comment: no polling).
  Discussion.prototype.listen = function (live) {
    var self = this;
    this.live = live;
    live.subscribe(this.stream, this.lastSequence, {
      event: function (event) { self.applyEvent(event); },
      typing: function (message) { self.showTyping(message.name); },
      refused: function (message) { self.showStopped(message.code); },
    });
    live.on("status", function (status) { self.setPaused(status.paused); });
    live.on("stopped", function (status) { self.showStopped(status.code); });
    live.on("presence", function (message) { self.showPresence(message.count); });
    live.on("heartbeat", function (message) { self.showPresence(message.present); });
    live.on("error", function (message) {
      if (message.code === "rate_limited") {
        self.holdPosting(message.message, message.retry_after);
      }
    });
  };

  // "Show older comments": the same list items the link's page shows, put above the others.
  Discussion.prototype.onOlder = function (event) {
    var link = event.target.closest && event.target.closest("[data-older-comments]");
    if (!link) {
      return;
    }
    event.preventDefault();
    if (link.dataset.loading) {
      return;
    }
    link.dataset.loading = "1";
    var self = this;
    fetch(link.href, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        var template = document.createElement("template");
        template.innerHTML = data.html.trim();
        Array.prototype.slice.call(template.content.children).reverse().forEach(function (item) {
          if (!self.list.querySelector('[data-item-id="' + item.dataset.itemId + '"]')) {
            self.list.insertBefore(item, self.list.firstChild);
          }
        });
        if (data.older_url) {
          link.href = data.older_url;
          delete link.dataset.loading;
        } else {
          link.parentNode.remove();
        }
      })
      .catch(function () {
        window.location.href = link.href; // the page of its own works without this script
      });
  };

  // --- The panel's shared forms ------------------------------------------------------------------
  // A comment carries links, not forms (templates/discussions/comment.html): without this script
  // "Reply", "Flag", "Hide" and "Restore" open a page with the form; with it, the panel's one form
  // of that kind moves under the comment (beside its article, so a re-rendered comment keeps it),
  // aimed at it, with the focus in its field; Cancel or Escape puts it back and returns the focus.

  Discussion.prototype.sharedForm = function (action) {
    return this.section.querySelector('[data-shared-form="' + action + '"]');
  };

  Discussion.prototype.actionLink = function (form) {
    var id = form.dataset.commentId;
    return id ? this.section.querySelector(
      "#comment-" + id + ' [data-comment-action="' + form.dataset.sharedForm + '"]'
    ) : null;
  };

  Discussion.prototype.onCommentAction = function (event) {
    var link = event.target.closest && event.target.closest("[data-comment-action]");
    var form = link && this.sharedForm(link.dataset.commentAction);
    var article = link && link.closest("article.comment");
    if (!form || !article || event.button > 0 || event.ctrlKey || event.metaKey || event.shiftKey) {
      return; // the link opens the form's own page
    }
    event.preventDefault();
    if (form.dataset.commentId === article.dataset.commentId && !this.sharedForms.contains(form)) {
      this.closeForm(form, true);
    } else {
      this.openForm(form, link, article);
    }
  };

  Discussion.prototype.openForm = function (form, link, article) {
    var id = article.dataset.commentId;
    if (!this.sharedForms.contains(form)) {
      this.closeForm(form, false);
    }
    if (form.dataset.commentId !== id) {
      delete form.dataset.pendingKey; // another comment: a new submission (a typed text stays)
      this.showError(form, "");
    }
    form.dataset.commentId = id;
    if (form.dataset.actionTemplate) {
      form.action = form.dataset.actionTemplate.replace("/0/", "/" + id + "/");
    }
    var parent = form.querySelector("input[name=parent]");
    if (parent) {
      parent.value = id;
    }
    article.insertAdjacentElement("afterend", form);
    link.setAttribute("aria-expanded", "true");
    link.setAttribute("aria-controls", form.id);
    var field = form.querySelector("textarea, select, input:not([type=hidden])");
    if (field) {
      field.focus();
    }
  };

  // Back into the panel's hidden holder; the focus returns to the comment's link if it was inside.
  Discussion.prototype.closeForm = function (form, returnFocus) {
    var active = document.activeElement;
    var hadFocus = form.contains(active) || !active || active === document.body;
    this.sharedForms.appendChild(form);
    var link = this.actionLink(form);
    if (link) {
      link.setAttribute("aria-expanded", "false");
    }
    if (returnFocus && hadFocus) {
      var article = form.dataset.commentId && this.section.querySelector("#comment-" + form.dataset.commentId);
      // The link of the same action, else (hidden → restore) the comment's first control.
      var target = link || (article && (article.querySelector("[data-comment-action]") ||
        article.querySelector(".comment__actions summary, .comment__actions button")));
      if (target) {
        target.focus();
      }
    }
  };

  Discussion.prototype.onFormKeydown = function (event) {
    var form = event.target.closest && event.target.closest("[data-shared-form]");
    if (!form || event.key !== "Escape" || event.defaultPrevented || this.sharedForms.contains(form)) {
      return; // an open @mention list takes Escape first
    }
    event.preventDefault();
    this.closeForm(form, true);
  };

  Discussion.prototype.onCancel = function (event) {
    var button = event.target.closest && event.target.closest("[data-cancel]");
    var form = button && button.closest("[data-shared-form]");
    if (form) {
      event.preventDefault();
      this.closeForm(form, true);
    }
  };

  Discussion.prototype.csrfToken = function (form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]") ||
      this.section.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  };

  // --- Forms -----------------------------------------------------------------------------------

  Discussion.prototype.onSubmit = function (event) {
    var form = event.target;
    if (!form.matches("[data-discussion-form]")) {
      return;
    }
    event.preventDefault();
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      return;
    }
    var keyInput = form.querySelector("input[name=idempotency_key]");
    if (keyInput && !form.dataset.pendingKey) {
      form.dataset.pendingKey = newKey(); // kept until the server answers, so a retry reuses it
    }
    if (keyInput) {
      keyInput.value = form.dataset.pendingKey;
    }
    var button = form.querySelector("[type=submit]");
    if (button) {
      button.disabled = true;
    }
    var self = this;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": this.csrfToken(form) },
    })
      .then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") !== -1;
        return (json ? response.json() : Promise.resolve({})).then(function (data) {
          // Only a JSON answer is a success: anything else (a sign-in page a proxy or an expired
          // session sent back) must leave the text in the box.
          return { ok: response.ok && json, status: response.status, data: data };
        });
      })
      .then(function (result) {
        var live = self.liveForm(form);
        delete live.dataset.pendingKey; // answered: the next submission is a new one
        if (result.ok) {
          self.succeeded(live, result.data);
        } else {
          self.showError(live, result.data.message || self.data.textError);
        }
      })
      .catch(function () {
        self.showError(self.liveForm(form), self.data.textError); // network: pendingKey stays for the retry
      })
      .then(function () {
        if (button) {
          button.disabled = false;
        }
      });
  };

  // The form as it is in the page now: an event may have re-rendered its comment (keepDrafts) while
  // the answer was on its way.
  Discussion.prototype.liveForm = function (form) {
    if (this.section.contains(form)) {
      return form;
    }
    var field = form.querySelector("textarea[id], input[id]");
    var twin = field && this.section.querySelector("#" + CSS.escape(field.id));
    return twin && twin.form ? twin.form : form;
  };

  Discussion.prototype.succeeded = function (form, data) {
    this.showError(form, "");
    var details = form.closest("details");
    if (details) {
      details.open = false; // before the comment is re-rendered, which keeps open boxes open
    }
    if (data.html && data.comment_id) {
      this.placeComment(data.comment_id, data.parent_id, data.html);
    } else if (!data.html && form.matches(".discussion__moderation")) {
      window.location.reload(); // lock/unlock changes the whole panel
      return;
    }
    if (data.message) {
      this.announce(data.message);
    }
    if (form.matches("[data-shared-form]")) {
      this.closeForm(form, true);
      form.reset(); // the next reply, flag or reason starts empty
    }
    var textarea = form.querySelector("textarea");
    if (textarea && form.querySelector("input[name=idempotency_key]")) {
      textarea.value = ""; // a new comment or a reply is sent: the box is free for the next one
    }
    if (!this.threadId && data.thread_id) {
      this.threadId = String(data.thread_id); // the panel's first comment created the thread
    }
  };

  // Over the rate limit (this tab or another): every form of the panel says so and waits.
  Discussion.prototype.holdPosting = function (message, retryAfter) {
    var self = this;
    var forms = this.section.querySelectorAll("form");
    Array.prototype.forEach.call(forms, function (form) {
      if (form.querySelector("textarea")) {
        self.showError(form, message);
        var button = form.querySelector("[type=submit]");
        if (button) {
          button.disabled = true;
        }
      }
    });
    window.clearTimeout(this.holdTimer);
    this.holdTimer = window.setTimeout(function () {
      Array.prototype.forEach.call(self.section.querySelectorAll("form"), function (form) {
        var button = form.querySelector("[type=submit]");
        if (button && form.querySelector("textarea")) {
          button.disabled = false;
          self.showError(form, "");
        }
      });
    }, Math.max(1, Number(retryAfter) || 1) * 1000);
  };

  Discussion.prototype.showError = function (form, message) {
    var box = form.querySelector("[data-form-errors]");
    if (!box) {
      box = document.createElement("p");
      box.className = "form-errors";
      box.setAttribute("role", "alert");
      box.setAttribute("data-form-errors", "");
      form.insertBefore(box, form.querySelector("[type=submit]"));
    }
    box.textContent = message;
    box.hidden = !message;
  };

  Discussion.prototype.onInput = function (event) {
    if (event.target.tagName !== "TEXTAREA" || !this.live) {
      return;
    }
    var now = Date.now();
    if (now - this.lastTyping >= TYPING_EVERY_MS && this.live.send({ type: "typing", stream: this.stream })) {
      this.lastTyping = now;
    }
  };

  // --- Comments in the page --------------------------------------------------------------------

  Discussion.prototype.placeComment = function (id, parentId, html) {
    var article = fragment(html);
    var existing = this.section.querySelector("#comment-" + id);
    if (existing) {
      var focused = existing.contains(document.activeElement) ? document.activeElement : null;
      keepDrafts(existing, article);
      existing.replaceWith(article);
      refocus(focused, article);
      return false;
    }
    var item = document.createElement("li");
    item.className = "discussion__item";
    item.dataset.itemId = id;
    item.appendChild(article);
    var replies = parentId && this.section.querySelector('[data-replies-for="' + parentId + '"]');
    if (replies) {
      replies.appendChild(item);
    } else {
      var list = document.createElement("ol");
      list.className = "discussion__replies";
      list.dataset.repliesFor = id;
      item.appendChild(list);
      this.list.appendChild(item);
    }
    var empty = this.section.querySelector("[data-empty-state]");
    if (empty) {
      empty.remove();
    }
    return true;
  };

  Discussion.prototype.applyEvent = function (event) {
    if (event.sequence <= this.lastSequence) {
      return; // already seen (replay and live overlap)
    }
    this.lastSequence = event.sequence;
    // A change to an earlier comment, or a reply to one, that this page has not loaded (older
    // than the latest shown): it shows as it is now when "Show older comments" loads it.
    var unloaded = event.comment_id && !this.section.querySelector("#comment-" + event.comment_id) &&
      (event.kind !== "posted" || (event.parent_id && !this.section.querySelector("#comment-" + event.parent_id)));
    if (event.comment_id && event.html && !unloaded) {
      var added = this.placeComment(event.comment_id, event.parent_id, event.html);
      var author = this.section.querySelector("#comment-" + event.comment_id);
      if (added && event.kind === "posted" && author && author.dataset.authorId !== this.viewerId) {
        var name = author.querySelector(".comment__author");
        this.announce(format(this.data.textNewComment, { author: name ? name.textContent : "" }));
      }
    }
    // Locking or unlocking changes which forms and controls the panel has (rendered on the
    // server): a page rendered in the other state reloads to get them.
    if ((event.kind === "locked" || event.kind === "unlocked") && event.locked !== this.renderedLocked) {
      window.location.reload();
    }
  };

  Discussion.prototype.announce = function (text) {
    this.announcer.textContent = "";
    var announcer = this.announcer;
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  };

  Discussion.prototype.showPresence = function (count) {
    if (!this.presence || !count) {
      return;
    }
    this.presence.textContent = count === 1 ?
      this.data.textPresenceOne : format(this.data.textPresenceMany, { count: count });
  };

  Discussion.prototype.showTyping = function (name) {
    var typing = this.typing;
    typing.textContent = format(this.data.textTyping, { names: name });
    window.clearTimeout(this.typingTimer);
    this.typingTimer = window.setTimeout(function () { typing.textContent = ""; }, TYPING_SHOWN_MS);
  };

  Discussion.prototype.setPaused = function (paused) {
    this.notice.textContent = paused ? this.data.textPaused : "";
    this.notice.hidden = !paused;
  };

  // The server ended live updates for good (signed out, no access any more, page gone): say why.
  Discussion.prototype.showStopped = function (code) {
    var text = this.data["textStopped" + code] || this.data.textStopped;
    this.notice.textContent = text || "";
    this.notice.hidden = !text;
  };

  // --- @mention autocomplete ----------------------------------------------------------------------
  // The ARIA combobox pattern on the comment textareas: the textarea keeps the focus, a listbox under
  // it offers the members who can read the discussion (GET data-mentions-url?q=), arrows move the
  // active option (aria-activedescendant), Enter or Tab inserts "@handle ", Escape closes.

  function MentionAutocomplete(section) {
    this.section = section;
    this.url = section.dataset.mentionsUrl;
    this.textarea = null;
    this.list = null;
    this.options = [];
    this.active = -1;
    this.timer = null;
    this.asked = 0;
    this.cache = {};
    if (!this.url) {
      return;
    }
    section.addEventListener("focusin", this.onFocus.bind(this));
    section.addEventListener("input", this.onInput.bind(this));
    section.addEventListener("keydown", this.onKeydown.bind(this));
    section.addEventListener("focusout", this.onBlur.bind(this));
  }

  MentionAutocomplete.prototype.isCommentBox = function (element) {
    return element.tagName === "TEXTAREA" && element.closest("[data-discussion-form]");
  };

  MentionAutocomplete.prototype.onFocus = function (event) {
    var textarea = event.target;
    if (!this.isCommentBox(textarea) || textarea.dataset.mentions) {
      return;
    }
    textarea.dataset.mentions = "1";
    var list = document.createElement("ul");
    list.id = textarea.id + "-mentions";
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", this.section.dataset.textMentions || "");
    list.hidden = true;
    list.addEventListener("mousedown", this.onPointer.bind(this));
    textarea.insertAdjacentElement("afterend", list);
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-haspopup", "listbox");
    textarea.setAttribute("aria-controls", list.id);
    textarea.setAttribute("aria-expanded", "false");
  };

  MentionAutocomplete.prototype.token = function (textarea) {
    if (textarea.selectionStart !== textarea.selectionEnd) {
      return null;
    }
    var match = MENTION_BEFORE_CARET.exec(textarea.value.slice(0, textarea.selectionStart));
    return match ? match[2] : null;
  };

  MentionAutocomplete.prototype.onInput = function (event) {
    var textarea = event.target;
    if (!this.isCommentBox(textarea)) {
      return;
    }
    var query = this.token(textarea);
    window.clearTimeout(this.timer);
    if (!query) {
      this.close();
      return;
    }
    var self = this;
    this.timer = window.setTimeout(function () { self.ask(textarea, query); }, MENTION_DELAY_MS);
  };

  MentionAutocomplete.prototype.ask = function (textarea, query) {
    var self = this;
    var asked = ++this.asked;
    var answer = this.cache[query] || fetch(this.url + "?q=" + encodeURIComponent(query), {
      credentials: "same-origin",
      headers: { "Accept": "application/json" },
    }).then(function (response) { return response.ok ? response.json() : []; });
    this.cache[query] = answer;
    answer
      .then(function (candidates) {
        // Only the answer to the latest question, if the caret is still after that "@".
        if (asked === self.asked && document.activeElement === textarea && self.token(textarea) === query) {
          self.show(textarea, candidates);
        }
      })
      .catch(function () {
        delete self.cache[query];
      });
  };

  MentionAutocomplete.prototype.show = function (textarea, candidates) {
    this.close();
    if (!candidates.length) {
      return;
    }
    this.textarea = textarea;
    this.list = document.getElementById(textarea.getAttribute("aria-controls"));
    this.options = candidates.map(function (candidate, index) {
      var option = document.createElement("li");
      option.id = this.list.id + "-" + index;
      option.className = "mention-list__option";
      option.setAttribute("role", "option");
      option.dataset.handle = candidate.handle;
      var name = document.createElement("span");
      name.className = "mention-list__name";
      name.textContent = candidate.name;
      var handle = document.createElement("span");
      handle.className = "mention-list__handle";
      handle.textContent = "@" + candidate.handle;
      option.appendChild(name);
      option.appendChild(document.createTextNode(" "));
      option.appendChild(handle);
      this.list.appendChild(option);
      return option;
    }, this);
    this.list.hidden = false;
    textarea.setAttribute("aria-expanded", "true");
    this.activate(0);
  };

  MentionAutocomplete.prototype.activate = function (index) {
    var count = this.options.length;
    this.active = ((index % count) + count) % count;
    this.options.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === this.active ? "true" : "false");
    }, this);
    var option = this.options[this.active];
    this.textarea.setAttribute("aria-activedescendant", option.id);
    option.scrollIntoView({ block: "nearest" });
  };

  MentionAutocomplete.prototype.close = function () {
    if (!this.list) {
      return;
    }
    this.list.hidden = true;
    this.list.textContent = "";
    this.textarea.setAttribute("aria-expanded", "false");
    this.textarea.removeAttribute("aria-activedescendant");
    this.list = null;
    this.textarea = null;
    this.options = [];
    this.active = -1;
  };

  MentionAutocomplete.prototype.onKeydown = function (event) {
    if (!this.list || event.target !== this.textarea || event.isComposing ||
      event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      this.activate(this.active + (event.key === "ArrowDown" ? 1 : -1));
    } else if ((event.key === "Enter" || event.key === "Tab") && !event.shiftKey) {
      event.preventDefault();
      this.pick(this.options[this.active]);
    } else if (event.key === "Escape") {
      event.preventDefault();
      this.close();
    }
  };

  MentionAutocomplete.prototype.onPointer = function (event) {
    var option = event.target.closest("[role=option]");
    event.preventDefault(); // the textarea keeps the focus
    if (option) {
      this.pick(option);
    }
  };

  MentionAutocomplete.prototype.onBlur = function (event) {
    if (event.target === this.textarea) {
      this.close();
    }
  };

  MentionAutocomplete.prototype.pick = function (option) {
    var textarea = this.textarea;
    var query = this.token(textarea);
    this.close();
    if (!query) {
      return;
    }
    var caret = textarea.selectionStart;
    var start = caret - query.length;
    var insert = option.dataset.handle + " ";
    textarea.setRangeText(insert, start, caret, "end");
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  };

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-discussion]"), function (section) {
      if (!section.dataset.discussionReady) {
        section.dataset.discussionReady = "1";
        new Discussion(section);
      }
    });
    Array.prototype.forEach.call(document.querySelectorAll("details[data-part-discussion]"), function (details) {
      if (details.dataset.partReady) {
        return;
      }
      details.dataset.partReady = "1";
      details.addEventListener("toggle", function () { openPart(details); });
      openPart(details); // opened by the address (a notice's link) before this script ran
    });
  }

  // A part's panel (templates/discussions/part.html) is fetched the first time its disclosure
  // opens; without this script the link inside opens the page with that panel rendered.
  function openPart(details) {
    var fallback = details.querySelector("[data-part-fallback]");
    if (!details.open || !fallback || details.dataset.loading) {
      return;
    }
    details.dataset.loading = "1";
    fetch(details.dataset.partDiscussion, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var panel = holder.querySelector("[data-discussion]");
        if (!panel) {
          throw new Error("no panel");
        }
        fallback.replaceWith(panel);
        start();
      })
      .catch(function () {
        var error = fallback.querySelector("[data-part-error]") || document.createElement("span");
        error.setAttribute("data-part-error", "");
        error.setAttribute("role", "alert");
        error.className = "form-errors";
        error.textContent = " " + details.dataset.textFailed;
        fallback.appendChild(error);
      })
      .then(function () {
        delete details.dataset.loading;
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
