// Sortable lists: a header of a table.sortable sorts the rows shown by that column (numbers as
// numbers, amounts by their digits), again to reverse. Keyboard: the header is a button.
(function () {
  // A cell's sort value: its data-sort when it has one (ages in seconds), a number when the whole
  // cell is one (an amount with its symbol and separators, a count), else its text.
  var NUMBER = /^[-+]?[$€£¥]?\s?\d[\d,]*(\.\d+)?$/;
  function value(cell) {
    if (cell && cell.hasAttribute('data-sort')) return Number(cell.getAttribute('data-sort'));
    var text = (cell && cell.textContent || '').trim();
    return NUMBER.test(text) ? Number(text.replace(/[^0-9.\-]/g, '')) : text;
  }
  function compare(x, y) {
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    // Natural order for codes and mixed cells: L-2 before L-10.
    return String(x).localeCompare(String(y), undefined, {numeric: true, sensitivity: 'base'});
  }
  document.addEventListener('click', function (e) {
    var button = e.target.closest('table.sortable th button.sort');
    if (!button) return;
    var th = button.closest('th');
    var table = th.closest('table');
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var body = table.tBodies[0];
    var rows = Array.prototype.filter.call(body.rows, function (r) { return r.cells.length > index; });
    var ascending = th.getAttribute('aria-sort') !== 'ascending';
    rows.sort(function (a, b) {
      var order = compare(value(a.cells[index]), value(b.cells[index]));
      return ascending ? order : -order;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    Array.prototype.forEach.call(th.parentNode.children, function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
  });
  // Headers of sortable tables become buttons, on load and after htmx swaps.
  function arm(root) {
    (root || document).querySelectorAll('table.sortable thead th').forEach(function (th) {
      if (th.querySelector('button.sort') || !th.textContent.trim()) return;
      var b = document.createElement('button');
      b.type = 'button';
      b.className = 'sort';
      b.textContent = th.textContent.trim();
      th.textContent = '';
      th.appendChild(b);
    });
  }
  document.addEventListener('DOMContentLoaded', function () { arm(document); });
  // A file larger than the import takes is refused here, before the upload (the server would
  // refuse it too, less clearly).
  document.addEventListener('change', function (e) {
    var input = e.target;
    if (!input.matches || !input.matches('input[type=file][data-max-bytes]') || !input.files.length) return;
    if (input.files[0].size > Number(input.getAttribute('data-max-bytes'))) {
      alert('This file is larger than 4 MB: split it and import each part.');
      input.value = '';
    }
  });
  document.addEventListener('htmx:afterSettle', function (e) { arm(e.target); });
})();
