// Actodo web UI: the entry point (index.html loads it as a module). It wires the page's
// controls once and boots the session; the wiring lives in
//   state.js       the store, view preferences and the session's shared fields
//   session.js     boot, sign-in / register, starting the app (socket), sign-out
//   live.js        socket frames, loading the list, reminder cards, the notifications bell
//   connection.js  the connection indicator, the offline banner, the queue and the cache
//   list.js        rendering the list, counts, filters, the current row
//   rows.js        row actions and todo writes (complete, delete, subtasks, archive, order)
//   editing.js     the inline editor and the new-todo editor
//   sidebar.js     the projects controller and the drawer
//   adding.js      quick add
//   keys.js        keyboard shortcuts and the help dialog

import { boot, wireSession } from './session.js';
import { wireList } from './list.js';
import { wireSidebar } from './sidebar.js';
import { wireAdding } from './adding.js';
import { wireKeys } from './keys.js';

wireSession();
wireList();
wireAdding();
wireSidebar();
wireKeys();
boot();
