// Progressive enhancement: a provision's "Link" copies its full address to the clipboard.
// Without JavaScript (or clipboard access) the link still works as an ordinary anchor.
const status = document.getElementById("copy-link-status");

document.addEventListener("click", async (event) => {
  const link = event.target.closest("[data-copy-link]");
  if (!link || !navigator.clipboard) return;
  event.preventDefault();
  const address = new URL(link.getAttribute("href"), window.location.href).href;
  try {
    await navigator.clipboard.writeText(address);
  } catch {
    window.location.hash = link.getAttribute("href");
    return;
  }
  window.history.replaceState(null, "", link.getAttribute("href"));
  if (status) status.textContent = status.dataset.copied + " " + address;
});
