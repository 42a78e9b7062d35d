// A frame marked data-scroll-to-end starts scrolled to its right end: on a
// phone the dashboard's chart shows the latest days first, as people read it.
for (const frame of document.querySelectorAll("[data-scroll-to-end]")) {
  frame.scrollLeft = frame.scrollWidth;
}
