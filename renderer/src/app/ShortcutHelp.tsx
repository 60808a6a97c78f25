import { Dialog } from '../components/Dialog';
import { useStore } from '../lib/create-store';
import { SHORTCUTS } from '../models/shortcuts';
import { DIFF_SHORTCUTS } from '../models/diff-nav';
import { shortcutHelp } from './shortcuts';

/** The keyboard shortcuts, listed (`?`). */
export function ShortcutHelp() {
  const open = useStore(shortcutHelp);
  if (!open) return null;
  return (
    <Dialog title="Keyboard shortcuts" onClose={() => shortcutHelp.set(false)} testId="shortcut-help">
      <table className="shortcut-table">
        <tbody>
          {[...SHORTCUTS, ...DIFF_SHORTCUTS].map((s) => (
            <tr key={s.keys}>
              <th scope="row">
                <kbd>{s.keys}</kbd>
              </th>
              <td>{s.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">Not while you type in a field or the terminal. The desktop app's menu has its own (Ctrl/Cmd+N for a new session).</p>
      <div className="dialog-actions">
        <button type="button" className="button" data-testid="shortcut-help-close" onClick={() => shortcutHelp.set(false)}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
