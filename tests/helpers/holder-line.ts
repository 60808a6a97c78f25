/**
 * The clause a lock refusal ends with (agents/lock-hook.ts reachHolder): what the holder is doing
 * and how to reach it, with the "; " that follows "work on another file or wait".
 */
export const holderLine = (id: string, doing = 'is idle'): string => `; session ${id} ${doing}, to ask it for the file use council's send_message tool or run \`council send ${id} -m "…"\``;
