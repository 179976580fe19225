// Live updates for a page that names a source (`<main data-live-source data-live-cursor>`).
//
// The server sends events (server-sent events, see routes/live-stream.ts); on one that concerns
// this page, the page reads itself again (the same URL, so it shows exactly what a reload would)
// and swaps each element marked `data-live-region` whose content changed, keeping the focus where
// it was. A refused command arrives as a banner to show. EventSource reconnects by itself and
// sends the last event id, so nothing is missed; when the server cannot replay, it says `resync`
// and the page reads itself again.

const REFRESH_DELAY_MS = 50;

export function startLiveUpdates(doc) {
  const main = doc.querySelector('[data-live-source]');
  if (!main || !('EventSource' in window)) return;
  const status = doc.getElementById('live-status');
  const announcer = doc.getElementById('live-announcer');
  const source = new URL(main.dataset.liveSource, location.href);
  source.searchParams.set('since', main.dataset.liveCursor);
  const events = new EventSource(source);

  let refreshing = false;
  let again = false;
  let timer;

  const showStatus = (text) => {
    if (status) status.textContent = text;
  };

  events.addEventListener('open', () => showStatus('Statuses update automatically.'));
  events.addEventListener('error', () => {
    if (events.readyState !== EventSource.CLOSED) showStatus('Reconnecting to live updates…');
  });
  events.addEventListener('change', () => scheduleRefresh());
  events.addEventListener('resync', () => scheduleRefresh());
  events.addEventListener('signed-out', () => {
    events.close();
    location.reload();
  });
  events.addEventListener('rejected', (event) => {
    const { commandId, html } = JSON.parse(event.data);
    showRejection(doc, commandId, html, announcer);
    scheduleRefresh();
  });

  function scheduleRefresh() {
    clearTimeout(timer);
    timer = setTimeout(refresh, REFRESH_DELAY_MS);
  }

  async function refresh() {
    if (refreshing) {
      again = true;
      return;
    }
    refreshing = true;
    try {
      const response = await fetch(location.href, {
        headers: { 'x-live-refresh': '1', accept: 'text/html' },
        credentials: 'same-origin',
      });
      if (response.redirected || response.status === 401) {
        location.reload();
        return;
      }
      if (response.ok) swapRegions(doc, await response.text(), announcer);
    } catch {
      showStatus('Live updates paused: refresh the page to see changes.');
    } finally {
      refreshing = false;
      if (again) {
        again = false;
        scheduleRefresh();
      }
    }
  }
}

/** Replaces each live region whose content changed, keeping the focus and announcing status. */
function swapRegions(doc, html, announcer) {
  const fresh = new DOMParser().parseFromString(html, 'text/html');
  const focused = doc.activeElement;
  const focusId = focused && focused !== doc.body ? focusKey(focused) : undefined;
  const announcements = [];
  for (const next of fresh.querySelectorAll('[data-live-region][id]')) {
    const current = doc.getElementById(next.id);
    if (!current || current.innerHTML === next.innerHTML) continue;
    const imported = doc.importNode(next, true);
    current.replaceWith(imported);
    const label = imported.dataset.liveLabel;
    const tag = imported.querySelector('.nhsuk-tag');
    if (label && tag) announcements.push(`${label}: ${tag.textContent.trim()}`);
  }
  if (focusId) restoreFocus(doc, focusId);
  if (announcer && announcements.length > 0) announcer.textContent = announcements.join('. ');
}

/** Enough to find the same control in the new content: its id, or its form and its text. */
function focusKey(element) {
  if (element.id) return { id: element.id };
  const form = element.closest('form');
  return {
    action: form ? form.getAttribute('action') : element.getAttribute('href'),
    text: element.textContent.trim(),
  };
}

function restoreFocus(doc, key) {
  if (key.id) {
    doc.getElementById(key.id)?.focus();
    return;
  }
  const candidates = doc.querySelectorAll('main a, main button');
  for (const candidate of candidates) {
    const form = candidate.closest('form');
    const action = form ? form.getAttribute('action') : candidate.getAttribute('href');
    if (action === key.action && candidate.textContent.trim() === key.text) {
      candidate.focus();
      return;
    }
  }
}

function showRejection(doc, commandId, html, announcer) {
  const notifications = doc.getElementById('notifications');
  if (!notifications || doc.getElementById(`rejection-${commandId}`)) return;
  const holder = doc.createElement('div');
  holder.innerHTML = html;
  const banner = holder.firstElementChild;
  if (!banner) return;
  notifications.append(banner);
  if (announcer) announcer.textContent = banner.textContent.replace(/\s+/g, ' ').trim();
}
