/* The hall display: draws the hall's state, listens to its event stream, and plays the
   chime and the spoken call. Served by Mithaq itself: the hall has no internet.

   The stream sends `state` (the full state, first on every connection), `hall` (an event
   with the state after it, and what to say) and `ping` (the hall's sequence number, when
   quiet). EventSource reconnects by itself; a watchdog and the sequence numbers catch the
   connections that die without telling. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("display-config").textContent);
  var languages = config.languages;
  var primary = languages[0];
  var body = document.body;
  var SOUND_KEY = "mithaq.display.sound";
  var WORD_GAP = 0.06;     // seconds between two clips
  var PAUSE_GAP = 0.35;    // at the comma, between the ticket and the window
  var LANGUAGE_GAP = 0.8;  // between the Arabic and the English call

  // What the page did last, for tests and for whoever looks at the console.
  var display = (window.mithaqDisplay = {
    lastSeq: null, calls: 0, spoken: [], connects: 0, shownAt: {}, played: 0, fallbacks: 0,
  });

  // ---- drawing ---------------------------------------------------------------------------

  function indicDigits(value) {
    return String(value).replace(/[0-9]/g, function (d) { return "٠١٢٣٤٥٦٧٨٩"[d]; });
  }

  // The institution's digits (MITHAQ_DIGITS), the same as on its desks' pages.
  var indic = config.digits === "arabic-indic";

  function windowNumber(value, language) {
    return language === "ar" && indic ? indicDigits(value) : String(value);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function bdi(text) {
    var node = el("bdi", null, text);
    node.dir = "ltr";
    return node;
  }

  function serviceName(row, language) {
    return row["service_" + language] || row.service_ar || row.service_en || "";
  }

  function bilingual(node, make) {
    languages.forEach(function (language, index) {
      var span = make(language);
      span.lang = language;
      if (index) span.classList.add("d-second");
      node.appendChild(span);
    });
    return node;
  }

  function label(key) {
    return bilingual(el("span", "d-label"), function (language) {
      return el("span", null, config.labels[language][key]);
    });
  }

  function callRow(row, tag, className) {
    var item = el(tag, className);
    item.dataset.ticket = row.ticket;
    var ticket = el("span", "d-ticket");
    ticket.appendChild(bdi(row.ticket));
    var arrow = el("span", "d-arrow", primary === "ar" ? "←" : "→");
    arrow.setAttribute("aria-hidden", "true");
    var win = el("span", "d-window", windowNumber(row.counter, primary));
    item.append(ticket, arrow, win);
    if (className === "d-call") {
      var detail = bilingual(el("span", "d-service"), function (language) {
        return el("span", null, serviceName(row, language));
      });
      if (row.is_priority) detail.prepend(el("span", "d-tag", config.labels[primary].priority));
      item.appendChild(detail);
    }
    if (row.is_recall) item.classList.add("d-is-recall");
    return item;
  }

  function render(state, event) {
    var current = document.getElementById("current");
    current.replaceChildren.apply(current, state.current.slice(0, 6).map(function (row) {
      return callRow(row, "li", "d-call");
    }));
    document.getElementById("current-empty").hidden = state.current.length > 0;

    var recent = document.getElementById("recent");
    recent.replaceChildren.apply(recent, state.recent.slice(0, 8).map(function (row) {
      return callRow(row, "li", "d-recent-row");
    }));

    var waiting = document.getElementById("waiting");
    waiting.replaceChildren.apply(waiting, state.waiting.map(function (row) {
      var item = el("li", "d-wait");
      var letter = el("span", "d-letter");
      letter.appendChild(bdi(row.letter));
      var name = bilingual(el("span", "d-wait-name"), function (language) {
        return el("span", null, serviceName(row, language));
      });
      var count = el("span", "d-count", windowNumber(row.count, primary));
      item.append(letter, name, count);
      return item;
    }));

    if (event && (event.event === "called" || event.event === "recalled")) {
      var card = current.querySelector('[data-ticket="' + CSS.escape(event.ticket) + '"]');
      if (card) card.classList.add("d-new");
      display.shownAt[event.ticket] = Date.now();
    }
  }

  // ---- the clock -------------------------------------------------------------------------

  // Arabic with the institution's digits, as the window numbers on this screen.
  var locale = primary === "ar" ? (indic ? "ar-u-nu-arab" : "ar-u-nu-latn") : primary;
  var clockFormat = new Intl.DateTimeFormat(locale, {
    hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: config.time_zone,
  });
  var dateFormat = new Intl.DateTimeFormat(locale, {
    weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: config.time_zone,
  });
  var hijriFormat = new Intl.DateTimeFormat(primary + "-u-ca-islamic-umalqura" + (primary === "ar" ? (indic ? "-nu-arab" : "-nu-latn") : ""), {
    day: "numeric", month: "long", year: "numeric", timeZone: config.time_zone,
  });

  function tick() {
    var now = new Date();
    document.getElementById("clock").textContent = clockFormat.format(now);
    // Two spans, not one string: a middle dot between Arabic-Indic digits reads as a zero.
    document.getElementById("date").replaceChildren(
      el("span", null, dateFormat.format(now)), el("span", null, hijriFormat.format(now))
    );
  }

  // ---- sound -----------------------------------------------------------------------------

  var audio = null;          // the AudioContext, made on the first gesture
  var buffers = {};          // url -> Promise<AudioBuffer>
  var freeAt = 0;            // when the last scheduled sound ends (audio clock)

  function soundWanted() {
    try { return localStorage.getItem(SOUND_KEY) === "on"; } catch (e) { return false; }
  }

  function startAudio() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!audio && Context) audio = new Context();
    if (audio && audio.state === "suspended") audio.resume();
    try { localStorage.setItem(SOUND_KEY, "on"); } catch (e) { /* private mode */ }
    document.getElementById("sound-off").hidden = !audio || audio.state === "running";
    if (audio) {
      audio.onstatechange = function () {
        document.getElementById("sound-off").hidden = audio.state === "running";
      };
      // Decode the clips ahead of the first call, so that it is said at once.
      load(config.chime);
      config.spoken.forEach(function (language) {
        Object.keys(config.clips[language] || {}).forEach(function (name) {
          load(config.clips[language][name]);
        });
      });
    }
  }

  function load(url) {
    if (!buffers[url]) {
      buffers[url] = fetch(url)
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.arrayBuffer(); })
        .then(function (data) { return audio.decodeAudioData(data); });
      buffers[url].catch(function () { delete buffers[url]; });
    }
    return buffers[url];
  }

  function voiceFor(language) {
    if (!window.speechSynthesis) return null;
    return speechSynthesis.getVoices().filter(function (v) {
      return v.lang && v.lang.toLowerCase().indexOf(language) === 0;
    })[0] || null;
  }

  function speakWithBrowser(text, language, delaySeconds) {
    var voice = voiceFor(language);
    if (!voice) return;
    setTimeout(function () {
      var utterance = new SpeechSynthesisUtterance(text);
      utterance.voice = voice;
      utterance.lang = voice.lang;
      speechSynthesis.speak(utterance);
    }, Math.max(0, delaySeconds * 1000));
  }

  function get(url) {
    // A buffer, or null when the clip is missing or cannot be decoded.
    return url ? load(url).then(null, function () { return null; }) : Promise.resolve(null);
  }

  // The chime, then the call in each language, clip after clip on the audio clock, so that
  // the words follow each other without gaps; a call arriving meanwhile waits its turn.
  function announce(speech) {
    display.spoken.push(speech);
    if (!audio || audio.state !== "running") return;
    var parts = config.spoken.filter(function (language) { return speech[language]; })
      .map(function (language) {
        var clips = config.clips[language] || {};
        return {
          language: language,
          text: speech[language].text,
          urls: speech[language].clips.map(function (name) {
            return name === "," ? "," : clips[name];
          }),
        };
      });
    var urls = [config.chime];
    parts.forEach(function (part) {
      part.urls.forEach(function (url) { if (url !== ",") urls.push(url); });
    });
    Promise.all(urls.map(get)).then(function (list) {
      var got = {};
      urls.forEach(function (url, i) { got[url] = list[i]; });
      var at = Math.max(audio.currentTime + 0.05, freeAt);
      var chime = got[config.chime];
      // The first word comes in as the chime fades.
      if (chime) at = play(chime, at) - chime.duration * 0.55;
      parts.forEach(function (part, n) {
        if (n) at += LANGUAGE_GAP;
        var complete = part.urls.every(function (url) { return url === "," || got[url]; });
        if (!complete) {
          // No clips for this language: the browser's own voice, if it has one.
          display.fallbacks += 1;
          speakWithBrowser(part.text, part.language, at - audio.currentTime);
          at += 2.5;
          return;
        }
        part.urls.forEach(function (url) {
          at = url === "," ? at + PAUSE_GAP : play(got[url], at) + WORD_GAP;
        });
        display.played += 1;
      });
      freeAt = at;
    });
  }

  function play(buffer, at) {
    var source = audio.createBufferSource();
    source.buffer = buffer;
    source.connect(audio.destination);
    source.start(at);
    return at + buffer.duration;
  }

  // ---- the stream ------------------------------------------------------------------------

  var source = null;
  var watchdog = null;
  var ahead = false;   // a ping said the hall is past what we saw; twice means we missed it

  function setStatus(status) {
    body.dataset.status = status;
    document.getElementById("offline").hidden = status !== "offline";
  }

  function alive() {
    clearTimeout(watchdog);
    // Nothing for 2.5 heartbeats: the connection is dead whatever the browser thinks.
    watchdog = setTimeout(reconnect, config.heartbeat * 2500);
  }

  function reconnect() {
    if (source) source.close();
    setStatus("offline");
    setTimeout(connect, 1000);
  }

  function connect() {
    display.connects += 1;
    source = new EventSource(config.stream);
    source.addEventListener("state", function (e) {
      var data = JSON.parse(e.data);
      display.lastSeq = data.seq;
      ahead = false;
      render(data.state);
      setStatus("live");
      alive();
    });
    source.addEventListener("hall", function (e) {
      var data = JSON.parse(e.data);
      display.lastSeq = data.seq;  // a gap loses only sounds: every event brings the state
      display.calls += 1;
      ahead = false;
      render(data.state, data.event);
      if (data.speech) announce(data.speech);
      setStatus("live");
      alive();
    });
    source.addEventListener("ping", function (e) {
      var seq = JSON.parse(e.data).seq;
      alive();
      if (display.lastSeq !== null && seq > display.lastSeq) {
        if (ahead) return reconnect();
        ahead = true;
      } else {
        if (seq < display.lastSeq) display.lastSeq = seq;  // the counter was reset
        ahead = false;
      }
    });
    // The server could not read the hall just now: it keeps the stream and tries again.
    source.addEventListener("retry", function () {
      setStatus("offline");
      alive();
    });
    source.onerror = function () {
      setStatus("offline");
      // CONNECTING: the browser retries by itself. CLOSED (an error page, a proxy's 502
      // while the server restarts): it has given up, so we start again.
      if (source.readyState === EventSource.CLOSED) reconnect();
    };
    alive();
  }

  // A network drop, as far as this page can tell: for tests and for trying it by hand.
  display.drop = function () {
    if (source) source.close();
    setStatus("offline");
    setTimeout(connect, 1500);
  };

  // ---- start -----------------------------------------------------------------------------

  function start() {
    document.getElementById("start").hidden = true;
    startAudio();
    if (document.documentElement.requestFullscreen && !document.fullscreenElement) {
      document.documentElement.requestFullscreen().catch(function () {});
    }
  }

  render(config.state);
  tick();
  setInterval(tick, 1000);
  connect();

  document.getElementById("start-button").addEventListener("click", start);
  document.getElementById("sound-off").addEventListener("click", startAudio);
  if (soundWanted()) {
    // Chosen before on this screen. The browser may still want a touch after a reload
    // (autoplay rules): then a small banner asks for it, and the display goes on meanwhile.
    startAudio();
    document.addEventListener("pointerdown", startAudio, { once: true });
    document.addEventListener("keydown", startAudio, { once: true });
  } else {
    document.getElementById("start").hidden = false;
  }
})();
