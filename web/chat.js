// The page's language and the chat widget (rasa-webchat, served from web/node_modules).
//
// The language is the page's (?lang=fr|en, else the browser's, else French). It is sent with
// every message as customData.language, the conversation's language hint (channels/socketio.py),
// and with the greeting that opens a new conversation. The widget keeps the conversation in the
// browser's localStorage and its session id with it, so a reload or a language switch continues
// the same conversation. Text goes into the page with textContent only, never as HTML.
"use strict";

const TEXT = {
  fr: {
    pageTitle: "UNICEF au Mali : l'assistant",
    heading: "Où l'UNICEF travaille au Mali",
    intro:
      "Posez vos questions sur les bureaux de l'UNICEF au Mali : leur date d'ouverture, " +
      "leur personnel, leurs secteurs, les problématiques et les régions couvertes.",
    title: "UNICEF Mali",
    subtitle: "Assistant sur les bureaux",
    hint: "Votre question…",
    connecting: "Connexion à l'assistant…",
  },
  en: {
    pageTitle: "UNICEF in Mali: the assistant",
    heading: "Where UNICEF works in Mali",
    intro:
      "Ask about UNICEF's offices in Mali: when they opened, their staff, their sectors, " +
      "the issues they work on and the regions they cover.",
    title: "UNICEF Mali",
    subtitle: "Assistant about the offices",
    hint: "Your question…",
    connecting: "Connecting to the assistant…",
  },
};

function pageLanguage() {
  const asked = new URLSearchParams(window.location.search).get("lang");
  if (asked in TEXT) {
    return asked;
  }
  return (navigator.language || "").toLowerCase().startsWith("en") ? "en" : "fr";
}

function showPage(language) {
  const text = TEXT[language];
  document.documentElement.lang = language;
  document.title = text.pageTitle;
  for (const element of document.querySelectorAll("[data-text]")) {
    element.textContent = text[element.dataset.text];
  }
  for (const link of document.querySelectorAll("[data-language]")) {
    link.setAttribute("aria-current", String(link.dataset.language === language));
  }
}

function startChat(language) {
  const text = TEXT[language];
  window.WebChat.default(
    {
      socketUrl: window.ASSISTANT_CONFIG.socketUrl,
      socketPath: "/socket.io/",
      customData: { language },
      // The greeting, in the page's language: a payload names its entities, NLU does not run.
      initPayload: `/greet{"language":"${language}"}`,
      embedded: true,
      withRules: false,
      title: text.title,
      subtitle: text.subtitle,
      inputTextFieldHint: text.hint,
      connectingText: text.connecting,
      hideWhenNotConnected: false,
      customMessageDelay: () => 300,
      params: { storage: "local" },
    },
    document.getElementById("chat"),
  );
}

const language = pageLanguage();
showPage(language);
startChat(language);
