// The demo pages, loaded only when ?demo= asks for one, so the app itself never downloads them.
import { MapDemo } from './MapDemo.tsx';
import { ViewerDemo } from './ViewerDemo.tsx';
import { LibraryDemo } from './LibraryDemo.tsx'; // ── library view ──

export default function DemoRoutes({ name }: { name: string }) {
  if (name === 'map') return <MapDemo />;
  if (name === 'viewer') return <ViewerDemo />;
  if (name === 'library') return <LibraryDemo />; // ── library view ──
  return (
    <main className="main">
      <p className="alert" role="alert">
        No demo called “{name}”. Try ?demo=map or ?demo=viewer.
      </p>
    </main>
  );
}
