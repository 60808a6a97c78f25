import { useEffect, useState } from 'react';

/**
 * Copies `text` to the clipboard, and says so for a moment. Where the page may not write the
 * clipboard (an address that is not a secure context), it says that instead: the text stays on
 * screen to select by hand.
 */
export function CopyButton({ text, label, testId }: { text: string; label: string; testId: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 1500);
    return () => clearTimeout(timer);
  }, [state]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return (
    <button type="button" className="button small ghost copy-button" data-testid={testId} aria-label={label} title={label} onClick={() => void copy()}>
      <span aria-live="polite">{state === 'copied' ? 'Copied' : state === 'failed' ? 'Select it by hand' : 'Copy'}</span>
    </button>
  );
}
