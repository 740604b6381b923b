// The chat page: the page's language, and a small chat over Rasa's socket.io channel
// (socket.io-client, served from web/node_modules). Why not a chat component: README,
// "Website chat".
//
// - The language is the page's (?lang=fr|en, else the browser's, else French). It is sent with
//   every message as customData.language, the conversation's language hint
//   (channels/socketio.py), and with the greeting that opens a new conversation.
// - The conversation survives reloads, language switches and server restarts: its session id
//   (made by the server), the messages shown and the text being typed are kept in the
//   browser's localStorage; Rasa keeps the conversation itself (session_persistence).
// - A reply comes as blocks of text and links (channels/web_text.py); everything goes into
//   the page with textContent, never as HTML, and only http(s) addresses become links.
// - Each reply is announced by a polite live region; while the server cannot be reached, the
//   status line says so, the typed text stays, and socket.io-client reconnects by itself.
"use strict";

const NNBSP = "\u202f"; // French spacing before : ; ? ! (channels/web_text.py does the same for replies)
const TEXT = {
  fr: {
    pageTitle: `UNICEF au Mali${NNBSP}: l'assistant`,
    heading: "Où l'UNICEF travaille au Mali",
    intro:
      `Posez vos questions sur les bureaux de l'UNICEF au Mali${NNBSP}: leur date d'ouverture, ` +
      "leur personnel, leurs secteurs, les problématiques et les régions couvertes.",
    chatTitle: "Assistant sur les bureaux de l'UNICEF",
    conversation: "Conversation",
    label: "Votre question",
    send: "Envoyer",
    you: "Vous",
    assistant: "Assistant",
    said: `${NNBSP}: `, // "Vous : …", what a screen reader reads before each message
    choices: "Réponses proposées",
    connecting: "Connexion à l'assistant…",
    offline:
      `L'assistant est indisponible pour le moment. La connexion sera rétablie automatiquement${NNBSP}; ` +
      "votre texte est conservé.",
    notSent: `Message non envoyé${NNBSP}: l'assistant est indisponible. Votre texte est conservé${NNBSP};` +
      " envoyez-le dès le retour de la connexion.",
    back: `L'assistant est de nouveau disponible${NNBSP}: vous pouvez envoyer votre message.`,
  },
  en: {
    pageTitle: "UNICEF in Mali: the assistant",
    heading: "Where UNICEF works in Mali",
    intro:
      "Ask about UNICEF's offices in Mali: when they opened, their staff, their sectors, " +
      "the issues they work on and the regions they cover.",
    chatTitle: "Assistant about UNICEF's offices",
    conversation: "Conversation",
    label: "Your question",
    send: "Send",
    you: "You",
    assistant: "Assistant",
    said: ": ",
    choices: "Suggested replies",
    connecting: "Connecting to the assistant…",
    offline:
      "The assistant is unavailable at the moment. It will reconnect automatically; " +
      "what you typed is kept.",
    notSent: "Message not sent: the assistant is unavailable. What you typed is kept; send it once it is back.",
    back: "The assistant is back: you can send your message.",
  },
};
const STORAGE_KEY = "unicef-mali-chat";
const KEPT_MESSAGES = 200;
const ANNOUNCED = 5; // replies left in the live region
const BACK_SHOWN_MS = 8000;

function pageLanguage() {
  const asked = new URLSearchParams(window.location.search).get("lang");
  if (asked in TEXT) {
    return asked;
  }
  return (navigator.language || "").toLowerCase().startsWith("en") ? "en" : "fr";
}

function showPage(text, language) {
  document.documentElement.lang = language;
  document.title = text.pageTitle;
  for (const element of document.querySelectorAll("[data-text]")) {
    element.textContent = text[element.dataset.text];
  }
  for (const element of document.querySelectorAll("[data-label]")) {
    element.setAttribute("aria-label", text[element.dataset.label]);
  }
  for (const link of document.querySelectorAll("[data-language]")) {
    link.setAttribute("aria-current", String(link.dataset.language === language));
  }
}

/** What the browser keeps: the session id, the messages shown, the text being typed. */
class Store {
  constructor() {
    let kept = {};
    try {
      kept = JSON.parse(window.localStorage.getItem(STORAGE_KEY)) || {};
    } catch {
      kept = {};
    }
    this.sessionId = typeof kept.sessionId === "string" ? kept.sessionId : null;
    this.messages = Array.isArray(kept.messages) ? kept.messages : [];
    this.draft = typeof kept.draft === "string" ? kept.draft : "";
  }

  save() {
    const kept = { sessionId: this.sessionId, messages: this.messages.slice(-KEPT_MESSAGES), draft: this.draft };
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(kept));
  }
}

function element(tag, className, text) {
  const made = document.createElement(tag);
  if (className) {
    made.className = className;
  }
  if (text !== undefined) {
    made.textContent = text;
  }
  return made;
}

/** Text and links into `parent`: a link only for an http(s) address, its text as text. */
function appendParts(parent, parts) {
  for (const part of parts) {
    if (typeof part.link === "string" && /^https?:\/\//.test(part.link)) {
      const link = element("a", "", part.text || part.link);
      link.href = part.link;
      parent.append(link);
    } else {
      parent.append(String(part.text ?? ""));
    }
  }
}

function messageBody(message) {
  const body = element("div", "bubble");
  const blocks = Array.isArray(message.blocks) ? message.blocks : [{ paragraph: [{ text: message.text ?? "" }] }];
  for (const block of blocks) {
    if (Array.isArray(block.list)) {
      const list = element("ul");
      for (const item of block.list) {
        appendParts(list.appendChild(element("li")), item);
      }
      body.append(list);
    } else {
      appendParts(body.appendChild(element("p")), block.paragraph || []);
    }
  }
  return body;
}

class Chat {
  constructor(language, config) {
    this.language = language;
    this.text = TEXT[language];
    this.store = new Store();
    this.log = document.getElementById("log");
    this.list = document.getElementById("messages");
    this.announcer = document.getElementById("announcer");
    this.status = document.getElementById("status");
    this.form = document.getElementById("ask");
    this.field = document.getElementById("question");
    this.turnStart = null; // the visitor's last message: a long answer is shown from there
    this.wasOffline = false;
    this.field.value = this.store.draft;
    this.store.messages.forEach((message) => this.show(message));
    this.scrollToEnd();
    this.field.addEventListener("input", () => {
      this.store.draft = this.field.value;
      this.store.save();
    });
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.ask(this.field.value.trim());
    });
    this.socket = window.io(config.socketUrl, {
      path: "/socket.io/",
      transports: ["websocket", "polling"],
      tryAllTransports: true,
    });
    this.setStatus(this.text.connecting);
    this.socket.on("connect", () => this.socket.emit("session_request", { session_id: this.store.sessionId }));
    this.socket.on("session_confirm", (confirmed) => this.connected(confirmed));
    this.socket.on("bot_uttered", (message) => this.received(message));
    this.socket.on("disconnect", (reason) => reason !== "io client disconnect" && this.unavailable());
    this.socket.on("connect_error", () => this.unavailable());
  }

  connected(confirmed) {
    const sessionId = confirmed && confirmed.session_id ? confirmed.session_id : confirmed;
    if (sessionId !== this.store.sessionId) {
      // A new conversation: greet in the page's language (the payload names the intent and the language).
      this.store.sessionId = sessionId;
      this.store.messages = [];
      this.list.replaceChildren();
      this.store.save();
      this.emit(`/greet{"language":"${this.language}"}`);
    }
    this.setStatus(this.wasOffline ? this.text.back : "", this.wasOffline ? "back" : "");
    if (this.wasOffline) {
      window.setTimeout(() => this.status.dataset.kind === "back" && this.setStatus(""), BACK_SHOWN_MS);
    }
    this.wasOffline = false;
  }

  unavailable() {
    this.wasOffline = true;
    this.setStatus(this.text.offline, "offline");
  }

  setStatus(message, kind = "") {
    if (this.status.textContent !== message) {
      this.status.textContent = message;
    }
    this.status.dataset.kind = kind;
  }

  emit(message) {
    this.socket.emit("user_uttered", {
      message,
      customData: { language: this.language },
      session_id: this.store.sessionId,
    });
  }

  /** Send what the visitor typed, or a button's payload (`title` is what they see they said). */
  ask(title, payload = title) {
    if (!title) {
      return;
    }
    if (!this.socket.connected || !this.store.sessionId) {
      this.setStatus(this.text.notSent, "offline");
      return;
    }
    this.emit(payload);
    this.add({ from: "user", text: title });
    if (payload === title) {
      this.field.value = "";
      this.store.draft = "";
    }
    this.store.save();
  }

  received(message) {
    const kept = {
      from: "bot",
      text: typeof message.text === "string" ? message.text : "",
      blocks: message.blocks,
      buttons: (message.buttons || message.quick_replies || []).map((b) => ({ title: b.title, payload: b.payload })),
    };
    this.add(kept);
    const line = element("p", "", `${this.text.assistant}${this.text.said}${kept.text}`);
    this.announcer.append(line);
    while (this.announcer.childElementCount > ANNOUNCED) {
      this.announcer.firstElementChild.remove();
    }
  }

  add(message) {
    this.store.messages.push(message);
    this.store.save();
    const shown = this.show(message);
    if (message.from === "user") {
      this.turnStart = shown;
    }
    this.scrollToEnd();
  }

  show(message) {
    const item = element("li", `message ${message.from === "user" ? "from-user" : "from-bot"}`);
    const speaker = message.from === "user" ? this.text.you : this.text.assistant;
    item.append(element("span", "visually-hidden", `${speaker}${this.text.said}`));
    if (message.from === "user") {
      item.append(element("div", "bubble", message.text));
    } else {
      item.append(messageBody(message));
    }
    if (message.buttons && message.buttons.length) {
      const choices = element("div", "choices");
      choices.setAttribute("role", "group");
      choices.setAttribute("aria-label", this.text.choices);
      for (const button of message.buttons) {
        const choice = element("button", "choice", button.title);
        choice.type = "button";
        choice.addEventListener("click", () => this.ask(button.title, button.payload));
        choices.append(choice);
      }
      item.append(choices);
    }
    this.list.append(item);
    document.body.classList.toggle("started", this.store.messages.some((m) => m.from === "user"));
    return item;
  }

  /** The end of the conversation, or the start of this turn when its answer is taller than the log. */
  scrollToEnd() {
    const start = this.turnStart ? this.turnStart.offsetTop : 0; // the log is its offsetParent
    const end = this.log.scrollHeight - this.log.clientHeight;
    this.log.scrollTop = this.turnStart && end > start ? Math.min(start, end) : end;
  }
}

/** With the on-screen keyboard open, the page is as tall as what stays visible (visualViewport). */
function followVisibleViewport(chat) {
  const viewport = window.visualViewport;
  if (!viewport) {
    return;
  }
  const fit = () => {
    document.documentElement.style.setProperty("--visible-height", `${viewport.height}px`);
    chat.scrollToEnd();
  };
  viewport.addEventListener("resize", fit);
  fit();
}

const language = pageLanguage();
showPage(TEXT[language], language);
followVisibleViewport(new Chat(language, window.ASSISTANT_CONFIG));
