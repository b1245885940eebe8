// The calendar's week and day as an hourly grid: a column per day with
// the hours down the side, each event placed by its start and as tall as
// it lasts, events at the same time side by side; the whole day's events
// and birthdays in a row above. calendar.js calls it with the days'
// occurrences (byDay) and its helpers; on a phone it draws day blocks
// instead. The grid opens scrolled to the working morning.
(function () {
  'use strict';
  var ui = window.profhub, t = ui.t, el = ui.el;
  var HOUR = 48; // px per hour, as in calendar.css (.cal-hcol)

  function minutes(hhmm) { return parseInt(hhmm.slice(0, 2), 10) * 60 + parseInt(hhmm.slice(3, 5), 10); }

  // span is the part of o inside the day key, in minutes from midnight.
  function span(o, key, h) {
    var s = h.local(o.start), e = h.local(o.end);
    var from = s.date === key ? minutes(s.time) : 0;
    var to = e.date === key ? minutes(e.time) : 1440;
    return { from: from, to: Math.max(to, from + 20) };
  }

  // lanes places events that share time side by side: each gets a lane
  // and the number of lanes of its group of overlapping events.
  function lanes(items) {
    items.sort(function (a, b) { return a.from - b.from || b.to - a.to; });
    var group = [], end = -1, ends = [];
    function close() { group.forEach(function (it) { it.of = ends.length; }); group = []; ends = []; }
    items.forEach(function (it) {
      if (it.from >= end) close();
      var lane = ends.findIndex(function (x) { return x <= it.from; });
      if (lane < 0) { lane = ends.length; ends.push(it.to); } else ends[lane] = it.to;
      it.lane = lane;
      group.push(it);
      end = Math.max(end, it.to);
    });
    close();
    return items;
  }

  // now is the wall clock in the user's zone, in minutes.
  function now() {
    var f = new Intl.DateTimeFormat('en-GB', { timeZone: document.documentElement.dataset.tz || undefined, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    return minutes(f.format(new Date()));
  }

  window.profhubCalendarHours = function (view, r, byDay, h) {
    var keys = [];
    for (var d = r.from; d < r.to; d = h.addDays(d, 1)) keys.push([h.ymd(d), d]);
    var wds = t('weekdays').split(','), todayKey = h.ymd(h.today());
    var grid = el('div', 'cal-hours');
    grid.style.setProperty('--days', keys.length);

    var head = el('div', 'cal-hrow cal-hhead');
    head.appendChild(el('div', 'cal-hgutter'));
    var allDay = el('div', 'cal-hrow cal-allday');
    allDay.appendChild(el('div', 'cal-hgutter', t('all_day')));
    var body = el('div', 'cal-hbody');
    var gutter = el('div', 'cal-hgutter');
    for (var hr = 0; hr < 24; hr++) gutter.appendChild(el('div', 'cal-hlabel', (hr < 10 ? '0' : '') + hr + ':00'));
    var row = el('div', 'cal-hrow');
    row.appendChild(gutter);

    keys.forEach(function (k) {
      var key = k[0], items = byDay[key] || [];
      var label = wds[(k[1].getDay() + 6) % 7] + ', ' + ui.day(key);
      var th = el('div', 'cal-hday' + (key === todayKey ? ' cal-today' : ''));
      if (keys.length > 1) { // the week: a day's heading opens the day
        var open = el('button', 'link cal-hopen', label);
        open.type = 'button';
        open.addEventListener('click', function () { h.openDay(k[1]); });
        th.appendChild(open);
      } else th.textContent = label;
      head.appendChild(th);
      var top = el('div', 'cal-hallday');
      var col = el('div', 'cal-hcol' + (key === todayKey ? ' cal-today' : ''));
      col.dataset.day = key;
      var timed = [];
      items.forEach(function (o) {
        if (o.birthday || o.all_day) { top.appendChild(h.chip(o)); return; }
        var sp = span(o, key, h);
        timed.push({ o: o, from: sp.from, to: sp.to });
      });
      lanes(timed).forEach(function (it) {
        var c = h.chip(it.o);
        c.classList.add('cal-hevent');
        c.style.top = (it.from / 60 * HOUR) + 'px';
        c.style.height = ((it.to - it.from) / 60 * HOUR - 2) + 'px';
        c.style.left = (it.lane / it.of * 100) + '%';
        c.style.width = 'calc(' + (100 / it.of) + '% - 2px)';
        col.appendChild(c);
      });
      if (key === todayKey) {
        var line = el('div', 'cal-now');
        line.style.top = (now() / 60 * HOUR) + 'px';
        col.appendChild(line);
      }
      allDay.appendChild(top);
      row.appendChild(col);
    });
    body.appendChild(row);
    grid.appendChild(head);
    grid.appendChild(allDay);
    grid.appendChild(body);
    view.appendChild(grid);
    body.scrollTop = 8 * HOUR - 10; // the 08:00 label in sight
  };
})();
