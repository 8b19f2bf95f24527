// Progressive enhancement of the synthesis reports page: follow each report being generated
// (its progress bar and step) and reload the page when it is ready or has failed. Without
// JavaScript the page's "Refresh" link does the same by hand.
const POLL_MS = 2000;

const follow = (box) => {
  const bar = box.querySelector("progress");
  const step = box.querySelector("[data-report-step]");
  const label = box.querySelector("[data-report-status-label]");

  const poll = async () => {
    let state;
    try {
      const response = await fetch(box.dataset.reportStatusUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
      });
      if (!response.ok) return; // signed out or gone: the Refresh link still works
      state = await response.json();
    } catch {
      window.setTimeout(poll, POLL_MS * 3); // the network hiccuped: try again, less often
      return;
    }
    if (state.finished) {
      window.location.reload();
      return;
    }
    if (state.status === "running") {
      bar.value = state.progress;
      bar.textContent = `${state.progress}%`;
      // The live region is read out when its text changes: only when the step does.
      if (state.step && step.textContent !== state.step) step.textContent = state.step;
    }
    if (label.textContent !== state.status_label) label.textContent = state.status_label;
    window.setTimeout(poll, POLL_MS);
  };

  window.setTimeout(poll, POLL_MS);
};

document.querySelectorAll("[data-report-status-url]").forEach(follow);
