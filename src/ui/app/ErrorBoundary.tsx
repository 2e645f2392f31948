// Keeps one view's failure to itself: an error while rendering it shows what failed, with a way to try again, and
// the rest of the page stays usable. While nothing has failed it renders its children as they are.
import { Component, type ReactNode } from 'react';

interface Props {
  /** The view, as the message names it ("the search results"). */
  name: string;
  children: ReactNode;
}

interface State {
  error?: Error;
}

export class ErrorBoundary extends Component<Props, State> {
  state: State = {};

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="alert" role="alert" data-testid="view-error" data-view={this.props.name}>
        <p>
          Something went wrong showing {this.props.name}: {error.message}
        </p>
        <button type="button" className="button button--small" onClick={() => this.setState({ error: undefined })}>
          Try again
        </button>
      </div>
    );
  }
}
