/** An error from a Result, shown where it happened; announced to screen readers. */
export function ErrorMessage({ message, testId, id }: { message: string | null; testId?: string; id?: string }) {
  if (message === null) return null;
  return (
    <p className="error-message" role="alert" data-testid={testId} id={id}>
      {message}
    </p>
  );
}
