// Sortable lists: a header of a table.sortable sorts the rows shown by that column (numbers as
// numbers, amounts by their digits), again to reverse. Keyboard: the header is a button.
(function () {
  function value(cell) {
    var text = (cell && cell.textContent || '').trim();
    var number = text.replace(/[^0-9.\-]/g, '');
    return number !== '' && !isNaN(Number(number)) && /\d/.test(text) && !/[A-Za-z]{2}/.test(text)
      ? Number(number) : text.toLowerCase();
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
      var x = value(a.cells[index]), y = value(b.cells[index]);
      var order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
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
  document.addEventListener('htmx:afterSettle', function (e) { arm(e.target); });
})();
