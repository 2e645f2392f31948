// The demo pages, loaded only when ?demo= asks for one, so the app itself never downloads them.
import { MapDemo } from './MapDemo.tsx';
import { ViewerDemo } from './ViewerDemo.tsx';
import { LibraryDemo } from './LibraryDemo.tsx';

export default function DemoRoutes({ name }: { name: string }) {
  if (name === 'map') return <MapDemo />;
  if (name === 'viewer') return <ViewerDemo />;
  if (name === 'library') return <LibraryDemo />;
  return (
    <main className="main">
      <p className="alert" role="alert">
        No demo called “{name}”. Try ?demo=map or ?demo=viewer.
      </p>
    </main>
  );
}
