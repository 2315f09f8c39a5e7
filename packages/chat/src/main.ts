// The chat page: plain DOM over the static markup in index.html. Every failure lands in the
// alert region as a sentence; body[data-state] says starting, ready or failed.
import './style.css';
import { qrSvg } from './qr.js';
import { ChatError, ChatSession, errorText, mediatorDidFrom, type Connection } from './session.js';
import { ChatStore, type Contact, type StoredMessage } from './store.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  status: $('status'),
  error: $('error'),
  errorText: $('error-text'),
  errorClose: $<HTMLButtonElement>('error-close'),
  myDid: $('my-did'),
  myName: $('my-name'),
  qr: $('qr'),
  myLink: $<HTMLInputElement>('my-link'),
  copy: $<HTMLButtonElement>('copy'),
  copied: $('copied'),
  acceptForm: $<HTMLFormElement>('accept-form'),
  acceptInput: $<HTMLInputElement>('invite-input'),
  contacts: $<HTMLUListElement>('contacts'),
  noContacts: $('no-contacts'),
  peer: $('peer'),
  peerDid: $('peer-did'),
  log: $<HTMLOListElement>('log'),
  sendForm: $<HTMLFormElement>('send-form'),
  messageInput: $<HTMLInputElement>('message-input'),
  sendButton: $<HTMLButtonElement>('send-button'),
  reset: $<HTMLButtonElement>('reset'),
};

let session: ChatSession | undefined;
let store: ChatStore | undefined;
let selected: string | undefined;
const contacts = new Map<string, Contact>();

function showError(context: string, e: unknown) {
  const text = e instanceof ChatError ? e.message : `${context}: ${errorText(e)}`;
  ui.errorText.textContent = text;
  ui.error.hidden = false;
}
ui.errorClose.addEventListener('click', () => {
  ui.error.hidden = true;
});

function setStatus(text: string) {
  ui.status.textContent = text;
}

/** A short, stable name for a DID: did:peer:2 strings of one mediator share long stretches. */
function nickname(did: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < did.length; i++) h = Math.imul(h ^ did.charCodeAt(i), 0x01000193);
  return `peer-${(h >>> 0).toString(16).padStart(8, '0').slice(0, 6)}`;
}

function renderContacts() {
  const list = [...contacts.values()].sort((a, b) => b.lastAt - a.lastAt);
  ui.noContacts.hidden = list.length > 0;
  ui.contacts.replaceChildren(
    ...list.map((c) => {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      b.dataset.did = c.did;
      b.title = c.did;
      b.setAttribute('aria-pressed', String(c.did === selected));
      b.textContent = nickname(c.did);
      if (c.unread > 0 && c.did !== selected) {
        const badge = document.createElement('span');
        badge.className = 'unread';
        badge.textContent = String(c.unread);
        badge.setAttribute('aria-label', `${c.unread} unread`);
        b.append(' ', badge);
      }
      b.addEventListener('click', () => void select(c.did));
      li.append(b);
      return li;
    }),
  );
}

function messageItem(m: StoredMessage): HTMLLIElement {
  const li = document.createElement('li');
  li.className = m.direction;
  li.dataset.id = m.id;
  const who = document.createElement('span');
  who.className = 'who';
  who.textContent = m.direction === 'out' ? 'You' : nickname(m.peer);
  const time = document.createElement('time');
  time.dateTime = new Date(m.at).toISOString();
  time.textContent = new Date(m.at).toLocaleTimeString();
  const text = document.createElement('p');
  text.textContent = m.content;
  li.append(who, ' ', time, text);
  return li;
}

function appendMessage(m: StoredMessage) {
  if (ui.log.querySelector(`[data-id="${CSS.escape(m.id)}"]`)) return;
  ui.log.append(messageItem(m));
  ui.log.lastElementChild?.scrollIntoView({ block: 'end' });
}

async function select(did: string) {
  selected = did;
  ui.peer.textContent = nickname(did);
  ui.peerDid.textContent = did;
  ui.messageInput.disabled = false;
  ui.sendButton.disabled = false;
  ui.messageInput.placeholder = `Message ${nickname(did)}`;
  renderContacts();
  try {
    ui.log.replaceChildren(...(await store!.messagesWith(did)).map(messageItem));
    ui.log.lastElementChild?.scrollIntoView({ block: 'end' });
    await session?.markRead(did);
  } catch (e) {
    showError('Could not load the conversation', e);
  }
}

function onConnection(state: Connection, detail?: string) {
  const text = { connecting: 'Connecting to the mediator…', live: 'Live: messages arrive as they are sent.', offline: 'Offline: reconnecting to the mediator…' }[state];
  setStatus(detail ? `${text} (${detail})` : text);
  document.body.dataset.connection = state;
}

async function showIdentity(s: ChatSession) {
  const base = `${location.origin}${location.pathname}`;
  const link = s.invitationUrl(base);
  ui.myDid.textContent = s.identity.did;
  // The field shows the whole link; the QR code carries the mediator's short link to it when
  // there is one (a code a phone reads at a glance), the whole link otherwise.
  ui.myLink.value = link;
  const qrText = await s.shortInvitationUrl(base).catch(() => link);
  ui.qr.dataset.link = qrText;
  ui.qr.replaceChildren(qrSvg(qrText, 'QR code of your invitation link'));
}

ui.copy.addEventListener('click', async () => {
  ui.myLink.select();
  try {
    await navigator.clipboard.writeText(ui.myLink.value);
    ui.copied.textContent = 'Copied.';
  } catch {
    ui.copied.textContent = 'Selected: copy it with Ctrl+C.';
  }
});

ui.acceptForm.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  if (!session) return showError('Could not accept the invitation', new ChatError('The page is not connected to its mediator yet.'));
  try {
    const did = await session.accept(ui.acceptInput.value);
    ui.acceptInput.value = '';
    ui.error.hidden = true;
    await select(did);
  } catch (e) {
    showError('Could not accept the invitation', e);
  }
});

ui.sendForm.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const content = ui.messageInput.value;
  if (!session || !selected || content.trim() === '') return;
  const to = selected;
  ui.sendButton.disabled = true;
  try {
    const m = await session.send(to, content);
    ui.messageInput.value = '';
    ui.error.hidden = true;
    if (selected === to) appendMessage(m);
  } catch (e) {
    showError(`Could not send to ${nickname(to)}`, e);
  } finally {
    ui.sendButton.disabled = false;
    ui.messageInput.focus();
  }
});

ui.reset.addEventListener('click', async () => {
  try {
    await session?.stop();
    store?.close();
    await ChatStore.destroy();
    location.replace(location.pathname);
  } catch (e) {
    showError('Could not delete the identity', e);
  }
});

async function main() {
  document.body.dataset.state = 'starting';
  setStatus('Opening your keys…');
  store = await ChatStore.open();
  for (const c of await store.contacts()) contacts.set(c.did, c);
  renderContacts();
  setStatus('Asking the mediator who it is…');
  const mediatorDid = await mediatorDidFrom(new URL('oob', location.href).href);
  if (!(await store.identity())) setStatus('Creating your DID and asking the mediator for mediation…');
  session = await ChatSession.start(store, mediatorDid, {
    message: (m) => {
      if (m.peer === selected) {
        appendMessage(m);
        if (document.visibilityState === 'visible') void session?.markRead(m.peer);
      }
    },
    contact: (c) => {
      contacts.set(c.did, c);
      // The first contact opens its conversation; later ones wait for a click.
      if (!selected) void select(c.did);
      else renderContacts();
    },
    connection: onConnection,
    error: showError,
  });
  await showIdentity(session);
  ui.myName.textContent = nickname(session.identity.did);
  document.body.dataset.did = session.identity.did;
  const recent = [...contacts.values()].sort((a, b) => b.lastAt - a.lastAt)[0];
  if (recent && !selected) await select(recent.did);
  try {
    await session.goLive();
  } catch (e) {
    showError('Could not turn on live delivery (retrying)', e);
  }
  // An invitation in the address (someone's link opened here): accept it once, then drop it
  // from the address so a reload does not accept it again.
  const params = new URLSearchParams(location.search);
  if (params.has('_oob') || params.has('_oobid')) {
    const href = location.href;
    history.replaceState(null, '', location.pathname);
    try {
      await select(await session.accept(href));
    } catch (e) {
      showError('Could not accept the invitation in the address', e);
    }
  }
  document.body.dataset.state = 'ready';
}

main().catch((e) => {
  document.body.dataset.state = 'failed';
  setStatus('Not connected.');
  showError('The chat could not start', e);
});
