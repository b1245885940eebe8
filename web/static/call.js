// Calls from a chat (package chat, calls.go): audio or video between the
// members of a chat of up to four, browser to browser over WebRTC, one
// RTCPeerConnection per other participant (a mesh). The hub only relays
// the signalling over the chat's socket: chat.js hands this file the
// socket and every {"type":"call"} frame. Whoever is in the call already
// makes the offer to whoever joins, so two browsers never offer at once.
(function () {
  'use strict';
  var ui = window.profhub;
  // t is a string of the page with {name} and {title} filled in.
  var t = function (k, name, title) { return ui.t(k).replace('{name}', name || '').replace('{title}', title || ''); };
  var $ = function (id) { return document.getElementById(id); };
  if (!$('call-view')) return;
  var conn = null, me = '', chatOf = function () { return null; };
  var call = null;    // {id, chatID, media, stream, pcs: {userID: pc}, names, queued: {userID: [candidates]}}
  var incoming = null; // the invite frame ringing now
  var iceServers = null;

  function send(m) { conn.send({ type: 'call', call: m }); }
  function status(s) { $('call-status').textContent = s; }
  function ice() {
    if (iceServers) return Promise.resolve(iceServers);
    return ui.api('GET', '/api/v1/chat/ice').then(function (r) { return (iceServers = r.ice_servers); });
  }
  function media(kind) {
    return navigator.mediaDevices.getUserMedia({ audio: true, video: kind === 'video' });
  }

  function showView() {
    $('call-view').hidden = false;
    $('call-local').srcObject = call.stream;
    $('call-camera').hidden = call.media !== 'video';
    document.body.classList.add('in-call');
  }
  function cleanup() {
    if (!call) return;
    Object.keys(call.pcs).forEach(function (u) { call.pcs[u].close(); });
    if (call.stream) call.stream.getTracks().forEach(function (tr) { tr.stop(); });
    call = null;
    window.callPeers = {};
    $('call-view').hidden = true;
    $('call-remotes').textContent = '';
    document.body.classList.remove('in-call');
  }
  function hideIncoming() { incoming = null; $('call-incoming').hidden = true; }

  // peer is the connection to userID, made on first need.
  function peer(userID, name) {
    if (call.pcs[userID]) return call.pcs[userID];
    var pc = new RTCPeerConnection({ iceServers: iceServers || [] });
    call.pcs[userID] = pc;
    window.callPeers[userID] = pc;
    call.queued[userID] = [];
    if (name) call.names[userID] = name;
    call.stream.getTracks().forEach(function (tr) { pc.addTrack(tr, call.stream); });
    pc.onicecandidate = function (e) {
      if (e.candidate) send({ op: 'signal', call_id: call.id, to: userID, data: { candidate: e.candidate.toJSON() } });
    };
    pc.ontrack = function (e) {
      var box = $('call-r-' + userID);
      if (!box) {
        box = ui.el('figure', 'call-tile');
        box.id = 'call-r-' + userID;
        var v = ui.el('video');
        v.autoplay = true;
        v.playsInline = true;
        box.appendChild(v);
        box.appendChild(ui.el('figcaption', '', call.names[userID] || ''));
        $('call-remotes').appendChild(box);
      }
      box.querySelector('video').srcObject = e.streams[0];
      status(t('call_on'));
    };
    return pc;
  }
  function drop(userID) {
    if (!call || !call.pcs[userID]) return;
    call.pcs[userID].close();
    delete call.pcs[userID];
    delete window.callPeers[userID];
    var box = $('call-r-' + userID);
    if (box) box.remove();
  }

  function signal(f) {
    var pc = peer(f.from), d = f.data || {};
    if (d.sdp) {
      pc.setRemoteDescription(d.sdp).then(function () {
        call.queued[f.from].forEach(function (c) { pc.addIceCandidate(c).catch(function () {}); });
        call.queued[f.from] = [];
        if (d.sdp.type !== 'offer') return;
        return pc.createAnswer().then(function (a) { return pc.setLocalDescription(a); }).then(function () {
          send({ op: 'signal', call_id: call.id, to: f.from, data: { sdp: pc.localDescription.toJSON() } });
        });
      }).catch(function (e) { status(e.message); });
    } else if (d.candidate) {
      if (pc.remoteDescription) pc.addIceCandidate(d.candidate).catch(function () {});
      else call.queued[f.from].push(d.candidate);
    }
  }
  function offer(userID, name) {
    var pc = peer(userID, name);
    pc.createOffer().then(function (o) { return pc.setLocalDescription(o); }).then(function () {
      send({ op: 'signal', call_id: call.id, to: userID, data: { sdp: pc.localDescription.toJSON() } });
    }).catch(function (e) { status(e.message); });
  }

  function frame(f) {
    var m = f.call, mine = call && m.call_id === call.id;
    switch (m.op) {
      case 'ringing':
        if (call && !call.id && call.chatID === m.chat_id) { call.id = m.call_id; status(t('call_ringing')); }
        break;
      case 'invite':
        if (call) { send({ op: 'decline', call_id: m.call_id }); break; } // busy
        incoming = m;
        $('call-incoming-text').textContent = m.title ? t('call_incoming_group', m.name, m.title) : t('call_incoming', m.name);
        $('call-incoming-kind').textContent = t(m.media === 'video' ? 'call_video' : 'call_audio');
        $('call-incoming').hidden = false;
        break;
      case 'accepted':
        if (mine) { status(t('call_connecting')); showView(); }
        else if (incoming && incoming.call_id === m.call_id) hideIncoming(); // taken in another tab
        break;
      case 'joined':
        if (m.from === me) { if (incoming && incoming.call_id === m.call_id) hideIncoming(); break; }
        if (mine) { status(t('call_connecting')); offer(m.from, m.name); }
        break;
      case 'declined':
        if (m.from === me) { if (incoming && incoming.call_id === m.call_id) hideIncoming(); }
        else if (mine) status(t('call_declined', m.name));
        break;
      case 'left':
        if (mine) { drop(m.from); status(t('call_left', m.name)); }
        else if (incoming && incoming.call_id === m.call_id && m.from !== me) hideIncoming();
        break;
      case 'signal':
        if (mine) signal(m);
        break;
      case 'ended':
        if (incoming && incoming.call_id === m.call_id) hideIncoming();
        if (mine) cleanup();
        break;
      case 'error':
        if (call && (!call.id || mine)) {
          var failed = !call.id;
          status(t('call_err_' + m.error));
          if (failed) { $('call-error').textContent = t('call_err_' + m.error); $('call-error').hidden = false; cleanup(); }
        }
        break;
    }
  }

  function start(kind) {
    var c = chatOf();
    if (!c || call) return;
    $('call-error').hidden = true;
    call = { id: '', chatID: c.id, media: kind, pcs: {}, names: {}, queued: {} };
    window.callPeers = {};
    Promise.all([ice(), media(kind)]).then(function (r) {
      if (!call) { r[1].getTracks().forEach(function (tr) { tr.stop(); }); return; }
      call.stream = r[1];
      showView();
      status(t('call_calling'));
      send({ op: 'invite', chat_id: c.id, media: kind });
    }).catch(function (e) {
      cleanup();
      $('call-error').textContent = t('call_no_media') + ' ' + e.message;
      $('call-error').hidden = false;
    });
  }
  function accept() {
    var m = incoming;
    if (!m) return;
    hideIncoming();
    call = { id: m.call_id, chatID: m.chat_id, media: m.media, pcs: {}, names: {}, queued: {} };
    window.callPeers = {};
    Promise.all([ice(), media(m.media)]).then(function (r) {
      call.stream = r[1];
      send({ op: 'accept', call_id: m.call_id });
    }).catch(function (e) {
      send({ op: 'decline', call_id: m.call_id });
      cleanup();
      $('call-error').textContent = t('call_no_media') + ' ' + e.message;
      $('call-error').hidden = false;
    });
  }
  function toggle(kind, btn, onKey, offKey) {
    if (!call || !call.stream) return;
    var tracks = kind === 'audio' ? call.stream.getAudioTracks() : call.stream.getVideoTracks();
    var on = !tracks.length || !tracks[0].enabled;
    tracks.forEach(function (tr) { tr.enabled = on; });
    btn.textContent = t(on ? offKey : onKey);
    btn.setAttribute('aria-pressed', String(!on));
  }

  $('call-audio').addEventListener('click', function () { start('audio'); });
  $('call-video').addEventListener('click', function () { start('video'); });
  $('call-accept').addEventListener('click', accept);
  $('call-decline').addEventListener('click', function () { if (incoming) send({ op: 'decline', call_id: incoming.call_id }); hideIncoming(); });
  $('call-hangup').addEventListener('click', function () { if (call && call.id) send({ op: 'hangup', call_id: call.id }); cleanup(); });
  $('call-mute').addEventListener('click', function () { toggle('audio', this, 'call_unmute', 'call_mute'); });
  $('call-camera').addEventListener('click', function () { toggle('video', this, 'call_camera_on', 'call_camera_off'); });
  window.addEventListener('pagehide', function () { if (call && call.id) send({ op: 'hangup', call_id: call.id }); });

  // chat.js calls init with its socket, the user's id and the open chat.
  window.profhubCall = { init: function (c, id, current) { conn = c; me = id; chatOf = current; }, frame: frame };
  if (window.chatCallInit) window.profhubCall.init.apply(null, window.chatCallInit);
})();
