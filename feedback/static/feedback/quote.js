// Progressive enhancement: select words in a provision and comment on them. A button appears
// after the selection; it opens the comment form with the provision and the quote filled in.
// Without JavaScript every provision has its own "Comment" link to the same form.
const article = document.querySelector("[data-quote-url]");

if (article) {
  const button = document.createElement("a");
  button.className = "govuk-button feedback-quote-button";
  button.textContent = article.dataset.quoteLabel;
  button.hidden = true;
  document.body.appendChild(button);

  const selectedProvision = () => {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return null;
    const range = selection.getRangeAt(0);
    const start = range.startContainer.parentElement?.closest(".provision[id]");
    const end = range.endContainer.parentElement?.closest(".provision[id]");
    if (!start || start !== end || !article.contains(start)) return null;
    const number = start.querySelector(":scope > .provision__text > .provision__num");
    let quote = selection.toString().replace(/\s+/g, " ").trim();
    // The printed number ("2." or "a)") is not part of the provision's words.
    if (number && quote.startsWith(number.textContent.trim())) {
      quote = quote.slice(number.textContent.trim().length).trim();
    }
    return quote ? { provision: start, quote, rect: range.getBoundingClientRect() } : null;
  };

  const update = () => {
    const found = selectedProvision();
    if (!found) {
      button.hidden = true;
      return;
    }
    const url = new URL(article.dataset.quoteUrl, window.location.href);
    url.searchParams.set("dieu", found.provision.id);
    url.searchParams.set("trich", found.quote.slice(0, 2000));
    button.href = url.toString();
    button.style.top = `${window.scrollY + found.rect.bottom + 8}px`;
    button.style.left = `${window.scrollX + found.rect.left}px`;
    button.hidden = false;
  };

  document.addEventListener("mouseup", () => setTimeout(update, 0));
  document.addEventListener("keyup", (event) => {
    if (event.shiftKey || event.key === "Shift") update();
  });
  article.dataset.quoteReady = "true";
}
