// The design system's JavaScript (buttons that prevent double clicks, tabs, details, the header
// menu, error summaries that take the focus), then live updates where a page asks for them.
// Module URLs come from the page, so each carries its version and may be cached for a year.
const { designSystemJs, liveJs } = document.documentElement.dataset;

const { initAll } = await import(designSystemJs);
initAll();

if (document.querySelector('[data-live-source]')) {
  const { startLiveUpdates } = await import(liveJs);
  startLiveUpdates(document);
}
