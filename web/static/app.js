// Small progressive enhancements; every page works without this file.
document.addEventListener('submit', function (e) {
  var b = e.submitter;
  if (b && b.classList.contains('danger') && !window.confirm(document.documentElement.lang === 'en' ? 'Are you sure?' : 'Вы уверены?')) {
    e.preventDefault();
  }
});
