// Опора: small enhancements only; every page works without this file.
(function () {
  'use strict';
  // Filters of lists apply when a select changes (the button stays for keyboards and no-JS).
  document.querySelectorAll('form.filters select').forEach(function (s) {
    s.addEventListener('change', function () { s.form.submit(); });
  });
  // Long operations: show that the server is working and prevent double submits.
  document.querySelectorAll('button[data-busy]').forEach(function (b) {
    b.form && b.form.addEventListener('submit', function () {
      setTimeout(function () { b.disabled = true; b.textContent = b.getAttribute('data-busy'); }, 0);
    });
  });
  // Scatter plot: keyboard focus on points shows the school in a status line.
  var plot = document.getElementById('scatter-plot');
  if (plot) {
    var status = document.createElement('p');
    status.className = 'muted small';
    status.setAttribute('role', 'status');
    plot.after(status);
    plot.querySelectorAll('a').forEach(function (a) {
      var t = a.querySelector('title');
      if (!t) return;
      a.setAttribute('aria-label', t.textContent.split('\n')[0]);
      var show = function () { status.textContent = t.textContent.replace(/\n/g, ' · '); };
      a.addEventListener('focus', show);
      a.addEventListener('mouseenter', show);
    });
  }
})();
