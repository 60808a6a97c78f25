import { Notification } from 'electron';
import type { Notice } from '../core/app/status-notifier';

/** Shows a notice as an OS notification, where the OS supports them (silently nothing otherwise). */
export function showNotification(notice: Notice): void {
  if (!Notification.isSupported()) return;
  new Notification({ title: notice.title, body: notice.body, silent: false }).show();
}
