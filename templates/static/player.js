// The page works without this script: <audio controls> plays, chapter and transcript times link
// to the audio file with a media fragment, the feed address is a link. With it: skip and speed
// controls, chapter and transcript links seek the player, the current chapter and transcript cue
// are highlighted, the position is remembered per episode, and the feed address can be copied.
(() => {
  "use strict";
  const store = {
    get(key) {
      try { return localStorage.getItem(key); } catch { return null; }
    },
    set(key, value) {
      try {
        if (value === null) localStorage.removeItem(key);
        else localStorage.setItem(key, value);
      } catch { /* private mode or storage full: remember nothing */ }
    },
  };
  const RATE_KEY = "publisher:rate";

  // The item (episode page, home page section) a player belongs to: its chapters and transcript.
  const scopeOf = (audio) => audio.closest("article, section") || document;

  const mark = (items, current, attribute) => {
    for (const item of items) {
      const on = item === current;
      item.classList.toggle("current", on);
      if (attribute) {
        if (on) item.setAttribute(attribute, "true");
        else item.removeAttribute(attribute);
      }
    }
  };

  function enhance(figure) {
    const audio = figure.querySelector("audio");
    if (!audio) return;
    const scope = scopeOf(audio);
    const positionKey = "publisher:position:" + new URL(audio.currentSrc || audio.src, location.href).pathname;
    const chapters = [...scope.querySelectorAll(".chapters a.seek")];
    const cues = [...scope.querySelectorAll(".transcript .cue")];
    const controls = figure.querySelector(".player-controls");
    const speed = figure.querySelector("select[data-speed]");

    if (controls) controls.hidden = false;
    for (const button of figure.querySelectorAll("button[data-skip]")) {
      button.addEventListener("click", () => {
        const end = Number.isFinite(audio.duration) ? audio.duration : Infinity;
        audio.currentTime = Math.min(end, Math.max(0, audio.currentTime + Number(button.dataset.skip)));
      });
    }
    const setRate = (rate) => {
      if (!(rate >= 0.5 && rate <= 4)) return;
      audio.defaultPlaybackRate = rate;
      audio.playbackRate = rate;
    };
    if (speed) {
      const saved = store.get(RATE_KEY);
      if (saved && [...speed.options].some((option) => option.value === saved)) {
        speed.value = saved;
        setRate(Number(saved));
      }
      speed.addEventListener("change", () => {
        setRate(Number(speed.value));
        store.set(RATE_KEY, speed.value);
      });
      // The browser's own menu may change the speed too: keep the select in step.
      audio.addEventListener("ratechange", () => {
        const match = [...speed.options].find((o) => Number(o.value) === audio.playbackRate);
        if (match) speed.value = match.value;
      });
    }

    // Remember where the listener is; forget once the episode has been heard to the end.
    let restored = false;
    const restore = () => {
      const saved = Number(store.get(positionKey));
      if (saved > 0 && saved < audio.duration - 1 && audio.currentTime === 0) audio.currentTime = saved;
      restored = true;
    };
    if (audio.readyState >= 1) restore();
    else audio.addEventListener("loadedmetadata", restore, { once: true });
    let lastSaved = 0;
    const save = () => {
      if (!restored) return; // leaving before the audio loaded keeps the last visit's place
      store.set(positionKey, audio.currentTime >= 1 ? audio.currentTime.toFixed(1) : null);
      lastSaved = Date.now();
    };
    audio.addEventListener("pause", save);
    audio.addEventListener("seeked", save);
    audio.addEventListener("ended", () => store.set(positionKey, null));
    window.addEventListener("pagehide", () => { if (!audio.ended) save(); });

    const follow = () => {
      const time = audio.currentTime;
      if (Date.now() - lastSaved > 5000 && !audio.paused) save();
      mark(chapters, chapters.filter((a) => Number(a.dataset.start) <= time + 0.05).pop(), "aria-current");
      mark(cues, cues.find((cue) => Number(cue.dataset.start) <= time + 0.05 && time < Number(cue.dataset.end)));
    };
    audio.addEventListener("timeupdate", follow);
    audio.addEventListener("seeked", follow);

    const seek = (seconds) => {
      audio.currentTime = seconds;
      audio.play().catch(() => {});
    };
    scope.addEventListener("click", (event) => {
      const target = event.target.closest("a.seek, .transcript .cue");
      if (!target || !scope.contains(target)) return;
      event.preventDefault();
      seek(Number(target.dataset.start));
    });
    for (const cue of cues) cue.title = "Play from here";
  }

  function copyButtons() {
    for (const button of document.querySelectorAll("button.copy-feed")) {
      const status = button.parentElement.querySelector(".copy-status");
      button.hidden = false;
      button.addEventListener("click", async () => {
        let done = false;
        try {
          await navigator.clipboard.writeText(button.dataset.copy);
          done = true;
        } catch {
          const link = button.parentElement.querySelector(".feed-url");
          if (link) getSelection().selectAllChildren(link);
        }
        if (status) status.textContent = done ? "Copied." : "Press Ctrl+C (or ⌘C) to copy the selected address.";
      });
    }
  }

  const start = () => {
    document.querySelectorAll("figure.player").forEach(enhance);
    copyButtons();
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
