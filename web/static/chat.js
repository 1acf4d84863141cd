// The patient chat. Everything from the user or the bot is shown with
// textContent, never as HTML. The conversation id lives in an HttpOnly cookie
// issued by the server, so a reload resumes the same conversation (with
// contact details masked), and "End and clear this chat" forgets it.
// The page's own words follow the conversation's language: a reply carrying
// {"custom": {"lang": "ko"}} switches them (the server passes it as `lang`).
(function () {
  "use strict";
  var chat = document.getElementById("chat");
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var typing = document.getElementById("typing");
  var problem = document.getElementById("problem");
  var problemText = document.getElementById("problem-text");
  var notice = document.getElementById("notice");
  var retry = document.getElementById("retry");
  var ALL = JSON.parse(chat.getAttribute("data-strings"));
  var idleMs = (parseInt(chat.getAttribute("data-idle-minutes"), 10) || 30) * 60 * 1000;
  var lang = "en";
  var pending = null;  // {payload, shown, fromInput}: being delivered, or failed and waiting for Retry
  var failed = false;
  var queue = [];      // typed while a reply was on its way: sent after it, in order
  var idleTimer = null;
  var retryTimer = null;  // the next automatic retry while the assistant restarts
  var autoRetries = 0;

  // Each message gets a random key, sent again with it on every retry: the
  // server sends a message on once and answers a repeat with the first reply.
  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function t(key) { return (ALL[lang] || ALL.en)[key] || ALL.en[key] || ""; }

  function setLanguage(next) {
    if (!next || !ALL[next] || next === lang) return;
    lang = next;
    document.documentElement.lang = next;
    document.title = t("page_title") + " – " + document.title.split(" – ").slice(-1)[0];
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n]"), function (el) {
      el.textContent = t(el.getAttribute("data-i18n"));
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n-label]"), function (el) {
      el.setAttribute("aria-label", t(el.getAttribute("data-i18n-label")));
    });
    Array.prototype.forEach.call(log.querySelectorAll(".choices"), function (el) {
      el.setAttribute("aria-label", t("choices"));
    });
    if (!typing.hidden) typing.textContent = t("typing");
  }

  function scrollToNewest() {
    // The log scrolls on wide screens; on a phone the page does. Both show the newest message.
    log.scrollTop = log.scrollHeight;
    var last = log.lastElementChild;
    if (last && last.scrollIntoView) last.scrollIntoView({block: "nearest"});
  }

  function bubble(from, text, masked) {
    var div = document.createElement("div");
    div.className = "msg " + from;
    var who = document.createElement("span");
    who.className = "sr-only";
    who.textContent = from === "bot" ? t("assistant") : t("you");
    var body = document.createElement("p");
    body.textContent = text;
    if (masked) {
      var why = document.createElement("span");
      why.className = "sr-only";
      why.textContent = " " + t("hidden");
      body.appendChild(why);
    }
    div.appendChild(who);
    div.appendChild(body);
    log.appendChild(div);
    scrollToNewest();
    return div;
  }

  function clearButtons() {
    Array.prototype.forEach.call(log.querySelectorAll(".choices"), function (el) { el.remove(); });
  }

  function showButtons(buttons) {
    if (!buttons || !buttons.length) return;
    var group = document.createElement("div");
    group.className = "choices";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", t("choices"));
    buttons.forEach(function (b) {
      var btn = document.createElement("button");
      btn.type = "button";
      btn.textContent = b.title;
      btn.addEventListener("click", function () {
        input.focus(); // focus stays in the chat: the buttons are about to go
        send(b.payload, b.title, false);
      });
      group.appendChild(btn);
    });
    log.appendChild(group);
    scrollToNewest();
  }

  function showBot(messages) {
    var last = null;
    messages.forEach(function (m) {
      if (m.text) bubble("bot", m.text, m.masked);
      if (m.buttons && m.buttons.length) last = m.buttons;
    });
    showButtons(last);
    scrollToNewest();
  }

  function hideIntro() {
    var intro = document.getElementById("intro");
    if (intro) intro.hidden = true;
  }

  function say(key) { notice.textContent = key ? t(key) : ""; }

  function clearLog() {
    Array.prototype.forEach.call(log.querySelectorAll(".msg, .choices"), function (el) { el.remove(); });
    var intro = document.getElementById("intro");
    if (intro) intro.hidden = false;
  }

  function setTyping(on) {
    typing.hidden = !on;
    typing.textContent = on ? t("typing") : "";
  }

  function deliver() {
    var message = pending;
    var shownBefore = !problem.hidden;
    failed = false;
    if (retryTimer) { clearTimeout(retryTimer); retryTimer = null; }
    setTyping(true);
    problem.hidden = true;
    return fetch("/api/chat", {
      method: "POST", headers: {"Content-Type": "application/json"}, credentials: "same-origin",
      body: JSON.stringify({message: message.payload, id: message.id, lang: lang})
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) { var e = new Error("status " + r.status); e.data = data; throw e; }
        return data;
      });
    }).then(function (data) {
      pending = null;
      autoRetries = 0;
      setTyping(false);
      say(queue.length ? "queued" : null);
      if (data.lang) setLanguage(data.lang);
      if (data["new"] && log.querySelectorAll(".msg").length > 1) {
        // The server started a new conversation (the old one ended or went idle): clear the old one from view.
        clearLog();
        hideIntro();
        bubble("user", message.shown);
        say("expired");
      }
      if (message.fromInput && input.value === message.shown) input.value = "";
      showBot(data.messages || []);
      if (!data.messages || !data.messages.length) bubble("bot", t("no_answer"));
      if (document.activeElement === document.body || document.activeElement === retry) input.focus();
      touch();
      if (queue.length) { var next = queue.shift(); start(next); }
    }).catch(function (err) {
      var data = (err && err.data) || {};
      var own = data.messages && data.messages[0];
      setTyping(false);
      failed = true;
      // The server's own reply (restarting, too many messages) when it gave one; else it could not be reached.
      problemText.textContent = own && own.text ? own.text : t("unreachable");
      problem.hidden = false;
      if (message.fromInput && !input.value) input.value = message.shown; // nothing typed is lost
      if (!shownBefore) retry.focus();
      if (data.error === "restarting") {
        // `make run` is restarting the assistant: send the same message (same key) again on its own.
        var wait = Math.min(30000, 5000 * Math.pow(2, autoRetries++));
        retryTimer = setTimeout(function () { if (pending === message && failed) deliver(); }, wait);
      }
    });
  }

  function start(message) {
    hideIntro();
    clearButtons();
    bubble("user", message.shown);
    pending = message;
    deliver();
  }

  function send(payload, shown, fromInput) {
    var message = {payload: payload, shown: shown, fromInput: !!fromInput, id: newKey()};
    if (pending && failed) {
      if (fromInput && shown === pending.shown) { deliver(); return; }  // Send acts as Retry
      problemText.textContent = t("retry_first");
      problem.hidden = false;
      retry.focus();
      return;
    }
    if (pending) {
      queue.push(message);
      if (fromInput) input.value = "";
      say("queued");
      return;
    }
    say(null);
    start(message);
  }

  function touch() {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(function () {
      // The server ends the session after this long too; don't leave the conversation on screen.
      if (log.querySelectorAll(".msg").length) { clearLog(); say("expired"); }
    }, idleMs);
  }

  var skip = document.querySelector("a.skip");
  if (skip) skip.addEventListener("click", function (e) { e.preventDefault(); input.focus(); });

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) { input.focus(); return; }
    send(text, text, true);
  });
  retry.addEventListener("click", function () { if (pending) deliver(); else problem.hidden = true; });
  document.getElementById("start").addEventListener("click", function () {
    input.focus();
    send("hi", lang === "ko" ? "안녕하세요" : "Hi", false);
  });
  document.getElementById("end-chat").addEventListener("click", function () {
    fetch("/api/end", {method: "POST", headers: {"Content-Type": "application/json"}, credentials: "same-origin",
                       body: "{}"}).then(function (r) {
      if (!r.ok) throw new Error("status " + r.status);
      pending = null; failed = false; queue = [];
      if (retryTimer) { clearTimeout(retryTimer); retryTimer = null; }
      problem.hidden = true;
      setTyping(false);
      input.value = "";
      clearLog();
      say("ended");
      document.getElementById("start").focus();
    }).catch(function () { say("end_failed"); });
  });

  fetch("/api/history", {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (data) {
    if (data.lang) setLanguage(data.lang);
    if (data.ended) say("expired");
    var messages = data.messages || [];
    if (!messages.length) return;
    hideIntro();
    var lastButtons = null;
    messages.forEach(function (m) {
      if (m.from === "user") { bubble("user", m.text, m.masked); lastButtons = null; }
      else {
        if (m.text) bubble("bot", m.text, m.masked);
        if (m.buttons && m.buttons.length) lastButtons = m.buttons;
      }
    });
    showButtons(lastButtons);
    scrollToNewest();
    touch();
  }).catch(function () { /* a fresh start is fine */ });
})();
