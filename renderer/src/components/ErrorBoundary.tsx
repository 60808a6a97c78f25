import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  /** What failed, for the message ("the diff", "this screen"). */
  what: string;
  children: ReactNode;
  /** Change it to try rendering again (e.g. another file selected). */
  resetKey?: unknown;
}

/**
 * A render error in one part (a diff the viewer cannot draw, a bug on one screen) is reported
 * there instead of blanking the whole window.
 */
export class ErrorBoundary extends Component<Props, { error: Error | null; key: unknown }> {
  override state = { error: null as Error | null, key: this.props.resetKey };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  static getDerivedStateFromProps(props: Props, state: { error: Error | null; key: unknown }) {
    return props.resetKey !== state.key ? { error: null, key: props.resetKey } : null;
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`rendering ${this.props.what} failed`, error, info.componentStack);
  }

  override render() {
    if (this.state.error === null) return this.props.children;
    return (
      <p className="error-message" role="alert" data-testid="render-error">
        Could not show {this.props.what}: {this.state.error.message}
      </p>
    );
  }
}
