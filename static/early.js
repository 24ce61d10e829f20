// Runs before the app's WebAssembly is loaded (a classic script in index.html's head, so before
// the module script that loads it). A file dropped on the page in that time would be opened by
// the browser, and the page lost; instead it is kept here, and the app opens it once it listens
// (src/web/app.rs, use_drop_anywhere, which then sets tarsierDropListening: from there on these
// listeners step aside). Nothing is read or sent here.
window.tarsierEarlyDrop = null;
addEventListener('dragover', (e) => {
  if (!window.tarsierDropListening) e.preventDefault(); // allows the drop
});
addEventListener('drop', (e) => {
  if (window.tarsierDropListening) return;
  e.preventDefault(); // never let the browser navigate to the file
  window.tarsierEarlyDrop = e.dataTransfer?.files ?? null;
});
