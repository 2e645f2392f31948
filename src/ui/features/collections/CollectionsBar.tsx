// Collections: which ones to search (one or several), where new files go, and create / rename / delete.
import { useState, type FormEvent } from 'react';
import { plural } from '../../components/format.ts';
import type { Collections } from './useCollections.ts';
import '../../components/chips.css';
import './collections.css';

interface Props {
  collections: Collections;
  /** Collections searched; empty = all. */
  searched: string[];
  onSearched: (ids: string[]) => void;
}

export function CollectionsBar({ collections, searched, onSearched }: Props) {
  const { list, target } = collections;
  const [mode, setMode] = useState<'idle' | 'create' | 'rename' | 'delete'>('idle');
  const [name, setName] = useState('');
  const current = list.find((c) => c.id === target);

  const toggle = (id: string) =>
    onSearched(searched.includes(id) ? searched.filter((s) => s !== id) : [...searched, id]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (mode === 'create') {
      const made = await collections.create(name);
      if (made) collections.setTarget(made.id);
    } else if (mode === 'rename' && current) {
      await collections.rename(current.id, name);
    }
    setMode('idle');
    setName('');
  };

  const remove = async () => {
    if (!current) return;
    await collections.remove(current.id);
    onSearched(searched.filter((s) => s !== current.id));
    setMode('idle');
  };

  return (
    <section className="collections" aria-labelledby="collections-title" data-testid="collections">
      <h2 id="collections-title" className="visually-hidden">
        Collections
      </h2>
      <div className="collections__row">
        <span className="collections__label">Search in</span>
        <button
          type="button"
          className={searched.length === 0 ? 'chip chip--on' : 'chip'}
          aria-pressed={searched.length === 0}
          data-testid="collection-all"
          onClick={() => onSearched([])}
        >
          All
        </button>
        {list.map((c) => (
          <button
            key={c.id}
            type="button"
            className={searched.includes(c.id) ? 'chip chip--on' : 'chip'}
            aria-pressed={searched.includes(c.id)}
            data-testid="collection-toggle"
            data-collection={c.id}
            title={`${plural(c.documents, 'document')}, ${plural(c.passages, 'passage')}`}
            onClick={() => toggle(c.id)}
          >
            {c.name} <span className="collections__count">{c.documents}</span>
          </button>
        ))}
      </div>
      <div className="collections__row">
        <label className="collections__label" htmlFor="target-collection">
          Add files to
        </label>
        <select
          id="target-collection"
          data-testid="target-collection"
          value={target}
          onChange={(e) => collections.setTarget(e.target.value)}
        >
          {list.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        {mode === 'idle' && (
          <>
            <button
              type="button"
              className="button button--small button--quiet"
              data-testid="collection-new"
              onClick={() => setMode('create')}
            >
              New collection
            </button>
            <button
              type="button"
              className="button button--small button--quiet"
              data-testid="collection-rename"
              onClick={() => {
                setName(current?.name ?? '');
                setMode('rename');
              }}
            >
              Rename
            </button>
            <button
              type="button"
              className="button button--small button--quiet"
              data-testid="collection-delete"
              onClick={() => setMode('delete')}
            >
              {target === 'library' ? 'Empty' : 'Delete'}
            </button>
          </>
        )}
        {(mode === 'create' || mode === 'rename') && (
          <form className="collections__form" onSubmit={(e) => void submit(e)}>
            <input
              aria-label={mode === 'create' ? 'Name of the new collection' : `New name for ${current?.name ?? ''}`}
              data-testid="collection-name"
              value={name}
              autoFocus
              onChange={(e) => setName(e.target.value)}
            />
            <button
              type="submit"
              className="button button--small"
              data-testid="collection-save"
              disabled={name.trim() === ''}
            >
              {mode === 'create' ? 'Create' : 'Rename'}
            </button>
            <button type="button" className="button button--small button--quiet" onClick={() => setMode('idle')}>
              Cancel
            </button>
          </form>
        )}
        {mode === 'delete' && current && (
          <span className="confirm" role="group" aria-label={`Delete ${current.name}?`}>
            {target === 'library'
              ? `Remove all ${plural(current.documents, 'document')} of “${current.name}”?`
              : `Delete “${current.name}” and its ${plural(current.documents, 'document')}?`}{' '}
            <button
              type="button"
              className="button button--small button--danger"
              data-testid="collection-confirm-delete"
              onClick={() => void remove()}
            >
              Delete
            </button>
            <button type="button" className="button button--small button--quiet" onClick={() => setMode('idle')}>
              Keep
            </button>
          </span>
        )}
      </div>
      {collections.error && (
        <p className="alert" role="alert">
          {collections.error}
        </p>
      )}
    </section>
  );
}
