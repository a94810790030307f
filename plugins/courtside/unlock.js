// Opens a password-protected portal. The page carries the portal sealed at
// build time (seal.py): AES-256-GCM under a key derived from the password
// with PBKDF2-HMAC-SHA256. This derives the same key with the browser's Web
// Crypto API, decrypts the portal and shows it in place of this page. A key
// remembered on this device (never the password) opens it straight away.
// Pages carry this file inline as it is here, so what runs can be read in
// the page; its hash in the Content-Security-Policy lets exactly it run.
(() => {
  const byId = (id) => document.getElementById(id);
  const sealed = byId("sealed").dataset;
  const form = byId("unlock");
  const message = byId("unlock-message");
  // What it says comes from the page, in the page's language (locked.html).
  const say = { ...form.dataset };
  const storageKey = "courtside-key:" + sealed.salt;
  const encoder = new TextEncoder();
  const AES = { name: "AES-GCM", length: 256 };
  const bytes = (base64) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

  // Decrypts the portal with `key` and shows it. Scripts set through
  // innerHTML do not run, so each is replaced by a fresh one, which does.
  const open = async (key) => {
    const plaintext = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: bytes(sealed.nonce), additionalData: encoder.encode("courtside/portal/v1") },
      key, bytes(sealed.ciphertext));
    const portal = JSON.parse(new TextDecoder().decode(plaintext));
    document.title = portal.title;
    document.body.innerHTML = portal.body;
    for (const inert of document.body.querySelectorAll("script")) {
      const script = document.createElement("script");
      script.textContent = inert.textContent;
      inert.replaceWith(script);
    }
  };

  // Once a key is remembered, the page offers to forget it.
  const offerToForget = () => {
    const paragraph = document.createElement("p");
    const button = document.createElement("button");
    paragraph.className = "forget";
    button.type = "button";
    button.textContent = say.forget;
    button.onclick = () => {
      localStorage.removeItem(storageKey);
      location.reload();
    };
    paragraph.append(button);
    (document.querySelector("footer") || document.body).append(paragraph);
  };

  // Web Crypto exists only in secure contexts (https, or localhost).
  if (!(window.crypto && crypto.subtle)) {
    message.textContent = say.insecure;
    form.hidden = false;
    return;
  }

  (async () => {
    const remembered = localStorage.getItem(storageKey);
    if (remembered) {
      try {
        await open(await crypto.subtle.importKey("raw", bytes(remembered), AES, false, ["decrypt"]));
        offerToForget();
        return;
      } catch (error) {
        localStorage.removeItem(storageKey); // the page was sealed anew: ask again
      }
    }
    form.hidden = false;
    byId("password").focus();
    form.onsubmit = async (event) => {
      event.preventDefault();
      const remember = byId("remember").checked;
      message.textContent = say.opening;
      try {
        const password = await crypto.subtle.importKey(
          "raw", encoder.encode(byId("password").value), "PBKDF2", false, ["deriveKey"]);
        const key = await crypto.subtle.deriveKey(
          { name: "PBKDF2", salt: bytes(sealed.salt), iterations: +sealed.iterations, hash: "SHA-256" },
          password, AES, true, ["decrypt"]);
        await open(key);
        if (remember) {
          const raw = new Uint8Array(await crypto.subtle.exportKey("raw", key));
          localStorage.setItem(storageKey, btoa(String.fromCharCode(...raw)));
          offerToForget();
        }
      } catch (error) {
        message.textContent = say.wrong;
        byId("password").select();
      }
    };
  })();
})();
