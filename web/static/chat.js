// The patient chat. Everything from the user or the bot is shown with
// textContent, never as HTML. The session id lives in an HttpOnly cookie
// issued by the server, so a reload resumes the same conversation.
(function () {
  "use strict";
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var typing = document.getElementById("typing");
  var problem = document.getElementById("problem");
  var pending = null; // {payload, shown} waiting to be delivered

  function bubble(from, text) {
    var div = document.createElement("div");
    div.className = "msg " + from;
    var who = document.createElement("span");
    who.className = "sr-only";
    who.textContent = from === "bot" ? "Assistant: " : "You: ";
    var body = document.createElement("p");
    body.textContent = text;
    div.appendChild(who);
    div.appendChild(body);
    log.appendChild(div);
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
    group.setAttribute("aria-label", "Suggested answers");
    buttons.forEach(function (b) {
      var btn = document.createElement("button");
      btn.type = "button";
      btn.textContent = b.title;
      btn.addEventListener("click", function () { send(b.payload, b.title); });
      group.appendChild(btn);
    });
    log.appendChild(group);
  }

  function showBot(messages) {
    var last = null;
    messages.forEach(function (m) {
      if (m.text) bubble("bot", m.text);
      if (m.buttons && m.buttons.length) last = m.buttons;
    });
    showButtons(last);
    log.scrollTop = log.scrollHeight;
  }

  function hideIntro() {
    var intro = document.getElementById("intro");
    if (intro) intro.remove();
  }

  function deliver() {
    var message = pending;
    typing.hidden = false;
    problem.hidden = true;
    return fetch("/api/chat", {
      method: "POST", headers: {"Content-Type": "application/json"}, credentials: "same-origin",
      body: JSON.stringify({message: message.payload})
    }).then(function (r) {
      if (!r.ok) throw new Error("status " + r.status);
      return r.json();
    }).then(function (data) {
      pending = null;
      typing.hidden = true;
      if (!message.fromInput || input.value === message.shown) input.value = "";
      showBot(data.messages || []);
      if (!data.messages || !data.messages.length) bubble("bot", "Sorry, I have no answer to that. Please try again.");
    }).catch(function () {
      typing.hidden = true;
      problem.hidden = false;
      if (message.fromInput) input.value = message.shown; // nothing typed is lost
      document.getElementById("retry").focus();
    });
  }

  function send(payload, shown, fromInput) {
    if (pending) return;
    hideIntro();
    clearButtons();
    bubble("user", shown);
    pending = {payload: payload, shown: shown, fromInput: !!fromInput};
    deliver();
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) { input.focus(); return; }
    send(text, text, true);
  });
  document.getElementById("retry").addEventListener("click", function () { if (pending) deliver(); });
  document.getElementById("start").addEventListener("click", function () { send("hi", "Hi"); });

  fetch("/api/history", {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (data) {
    var messages = data.messages || [];
    if (!messages.length) return;
    hideIntro();
    var lastButtons = null;
    messages.forEach(function (m) {
      if (m.from === "user") { bubble("user", m.text); lastButtons = null; }
      else { if (m.text) bubble("bot", m.text); if (m.buttons && m.buttons.length) lastButtons = m.buttons; }
    });
    showButtons(lastButtons);
    log.scrollTop = log.scrollHeight;
  }).catch(function () { /* a fresh start is fine */ });
})();
