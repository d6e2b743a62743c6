// Saves a switch or a selector as soon as it changes; without JavaScript each form has its own button.
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.hasAttribute("data-autosubmit") && field.form) {
    field.form.submit();
  }
});

// The inbox under the bell: listed once, then kept current by the watch socket, which reconnects after a drop.
(function () {
  var root = document.querySelector("[data-inbox]");
  if (!root) {
    return;
  }
  var api = "/api/v2/notifications/inbox";
  var bell = document.getElementById("inbox-bell");
  var panel = document.getElementById("inbox-panel");
  var list = document.getElementById("inbox-list");
  var empty = document.getElementById("inbox-empty");
  var count = document.getElementById("inbox-count");
  var problem = document.getElementById("inbox-problem");
  var markAll = document.getElementById("inbox-mark-all");
  var retryDelay = 1000;

  function showUnread(unread) {
    count.textContent = String(unread);
    count.hidden = unread === 0;
    bell.setAttribute("aria-label", unread === 0 ? "Inbox" : "Inbox, " + unread + " unread");
    root.setAttribute("data-unread", String(unread));
  }

  function say(text) {
    problem.textContent = text;
    problem.hidden = !text;
  }

  // Titles and bodies are Markdown; the panel shows them as text, never as markup.
  function plain(markdown) {
    return String(markdown || "")
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/[*_`]+/g, "");
  }

  function safeUrl(url) {
    try {
      var parsed = new URL(url, window.location.href);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  function request(method, path, body) {
    var options = { method: method, credentials: "same-origin", headers: {} };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(path, options).then(function (response) {
      if (!response.ok) {
        throw new Error("the inbox answered " + response.status);
      }
      return response.status === 204 ? null : response.json();
    });
  }

  function item(notification) {
    var li = document.createElement("li");
    li.id = "inbox-" + notification.id;
    li.className = notification.read_at ? "read" : "unread";
    var title = document.createElement("p");
    title.className = "inbox-title";
    title.textContent = plain(notification.title);
    var content = document.createElement("p");
    content.className = "inbox-content";
    content.textContent = plain(notification.content);
    var meta = document.createElement("div");
    meta.className = "inbox-meta";
    var time = document.createElement("time");
    time.dateTime = notification.created_at;
    time.textContent = new Date(notification.created_at).toLocaleString();
    meta.appendChild(time);
    (notification.actions || []).forEach(function (action) {
      var url = safeUrl(action.url);
      if (url) {
        var link = document.createElement("a");
        link.href = url;
        link.textContent = action.label;
        meta.appendChild(link);
      }
    });
    if (!notification.read_at) {
      var read = document.createElement("button");
      read.type = "button";
      read.className = "secondary";
      read.textContent = "Mark as read";
      read.addEventListener("click", function () {
        request("PUT", api + "/" + notification.id + "/read-status", { is_read: true })
          .then(function (answer) {
            li.replaceWith(item(answer.notification));
            showUnread(answer.unread_count);
          })
          .catch(function (error) { say(error.message); });
      });
      meta.appendChild(read);
    }
    li.appendChild(title);
    li.appendChild(content);
    li.appendChild(meta);
    return li;
  }

  function add(notification, atTop) {
    var existing = document.getElementById("inbox-" + notification.id);
    var node = item(notification);
    if (existing) {
      existing.replaceWith(node);
    } else if (atTop) {
      list.insertBefore(node, list.firstChild);
    } else {
      list.appendChild(node);
    }
    empty.hidden = list.children.length > 0;
  }

  function load() {
    return request("GET", api).then(function (answer) {
      list.textContent = "";
      answer.notifications.forEach(function (notification) { add(notification, false); });
      empty.hidden = list.children.length > 0;
      showUnread(answer.unread_count);
      say("");
    });
  }

  function watch() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + api + "/watch");
    socket.addEventListener("open", function () {
      retryDelay = 1000;
      root.setAttribute("data-watching", "true");
    });
    socket.addEventListener("message", function (event) {
      var answer = JSON.parse(event.data);
      add(answer.notification, true);
      showUnread(answer.unread_count);
    });
    socket.addEventListener("close", function () {
      root.setAttribute("data-watching", "false");
      // What arrived while the socket was down is in the list; fetch it again once reconnected.
      window.setTimeout(function () {
        load().catch(function () {}).then(watch);
      }, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    });
  }

  function toggle(open) {
    panel.hidden = !open;
    bell.setAttribute("aria-expanded", String(open));
  }

  bell.addEventListener("click", function () { toggle(panel.hidden); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) {
      toggle(false);
      bell.focus();
    }
  });
  markAll.addEventListener("click", function () {
    request("PUT", api + "/mark-all-as-read")
      .then(load)
      .catch(function (error) { say(error.message); });
  });

  load().catch(function (error) { say(error.message); }).then(watch);
})();

// The fleet page asks for a fresh view every few seconds and swaps it in, keeping open partition tables open; it
// skips turns while the tab is hidden and says so when a refresh fails.
(function () {
  var view = document.getElementById("fleet-view");
  if (!view) {
    return;
  }
  var url = view.getAttribute("data-refresh");
  var every = Number(view.getAttribute("data-refresh-millis")) || 5000;
  var failed = null;

  function openSections() {
    var open = [];
    view.querySelectorAll("section.group details[open]").forEach(function (details) {
      open.push(details.closest("section").id);
    });
    return open;
  }

  function refresh() {
    if (document.hidden) {
      return;
    }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (response.redirected || !response.ok) {
          throw new Error("the server answered " + response.status + (response.redirected ? " (signed out?)" : ""));
        }
        return response.text();
      })
      .then(function (html) {
        var open = openSections();
        view.innerHTML = html;
        open.forEach(function (id) {
          var details = document.querySelector("#" + id + " details");
          if (details) {
            details.open = true;
          }
        });
        if (failed) {
          failed.remove();
          failed = null;
        }
        view.setAttribute("data-refreshed", String(Date.now()));
      })
      .catch(function (error) {
        if (!failed) {
          failed = document.createElement("p");
          failed.className = "error";
          failed.setAttribute("role", "alert");
          view.parentNode.insertBefore(failed, view);
        }
        failed.textContent = "Could not refresh the fleet view: " + error.message + ". Showing what was last seen.";
      });
  }

  setInterval(refresh, every);
})();
