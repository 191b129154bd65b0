import { useQueryClient } from '@tanstack/react-query';
import { Download, FlaskConical, RotateCcw, Upload } from 'lucide-react';
import { type ChangeEvent, useCallback, useRef, useState } from 'react';
import { modeHref } from '../../app/app-mode.ts';
import { useRoute } from '../../app/hash-route.ts';
import { Button } from '../../ui/button.tsx';
import { ConfirmButton } from '../../ui/confirm-button.tsx';
import { Page } from '../../ui/panel.tsx';
import { EmptyState } from '../../ui/states.tsx';
import { errorText, useToast } from '../../ui/toast.tsx';
import { BrokerSummary } from './broker-summary.tsx';
import { ClientList } from './client-list.tsx';
import { ClientPanel } from './client-panel.tsx';
import { DemoStrip } from './demo-strip.tsx';
import { NewClientPanel } from './new-client-panel.tsx';
import { useClientStates, useSandboxSession } from './sandbox-context.tsx';
import type { SandboxSession } from './sandbox-session.ts';
import styles from './sandbox-view.module.css';

/** The sandbox page: demo scenarios, and virtual clients to create, drive and watch. */
export function SandboxView() {
  const session = useSandboxSession();
  if (!session) return <ServerModeNotice />;
  return <SandboxPage session={session} />;
}

function SandboxPage({ session }: { session: SandboxSession }) {
  const [route, navigate] = useRoute();
  const clients = useClientStates(session);
  const selected = clients.find((client) => client.definition.clientId === route.param);
  const select = useCallback(
    (clientId?: string): void =>
      navigate(clientId === undefined ? { view: 'sandbox' } : { view: 'sandbox', param: clientId }, true),
    [navigate],
  );
  const deselect = useCallback(() => select(), [select]);
  return (
    <Page
      title="Sandbox"
      description="A broker running in this tab. Virtual clients are real mqtt clients on an in-tab WebSocket; every view of the dashboard shows this broker."
      actions={<StateActions session={session} onReset={deselect} />}
    >
      <DemoStrip session={session} clients={clients} />
      <div className={styles.workspace}>
        <div className={styles.side}>
          <ClientList
            clients={clients}
            selectedId={selected?.definition.clientId}
            onSelect={select}
            creating={!selected}
          />
          <BrokerSummary persistent={session.persistent} />
        </div>
        {selected ? (
          <ClientPanel
            key={selected.definition.clientId}
            session={session}
            client={selected}
            onRemoved={deselect}
          />
        ) : (
          <NewClientPanel session={session} onCreated={select} />
        )}
      </div>
    </Page>
  );
}

/** Export, import and reset: the whole broker's state, plus the virtual clients. */
function StateActions({ session, onReset }: { session: SandboxSession; onReset: () => void }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const fileInput = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<void>, failure: string): Promise<void> => {
    setBusy(true);
    try {
      await action();
    } catch (error) {
      toast({ tone: 'error', title: failure, message: errorText(error) });
    } finally {
      setBusy(false);
      // The broker changed under every view: let them fetch again.
      void queryClient.invalidateQueries();
    }
  };
  const exportState = () =>
    run(async () => {
      const file = await session.exportFile();
      download(file.name, file.text);
      toast({ tone: 'success', title: 'State exported', message: file.name });
    }, 'Export failed');
  const importState = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    void run(async () => {
      const { clients } = await session.importFile(await file.text());
      onReset();
      toast({
        tone: 'success',
        title: 'State imported',
        message: `${file.name} · ${clients} virtual ${clients === 1 ? 'client' : 'clients'}`,
      });
    }, 'Import failed');
  };
  const reset = () =>
    run(async () => {
      await session.reset();
      onReset();
      toast({
        tone: 'success',
        title: 'Sandbox reset',
        message: 'Sessions, retained messages and clients cleared',
      });
    }, 'Reset failed');
  return (
    <>
      <Button icon={<Download size={14} />} disabled={busy} onClick={() => void exportState()}>
        Export
      </Button>
      <Button icon={<Upload size={14} />} disabled={busy} onClick={() => fileInput.current?.click()}>
        Import
      </Button>
      <input
        ref={fileInput}
        type="file"
        accept="application/json,.json"
        className={styles.hidden}
        aria-label="Import state file"
        onChange={importState}
      />
      <ConfirmButton
        icon={<RotateCcw size={14} />}
        confirmLabel="Confirm reset"
        disabled={busy}
        onConfirm={() => void reset()}
      >
        Reset
      </ConfirmButton>
    </>
  );
}

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = name;
  anchor.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function ServerModeNotice() {
  return (
    <Page title="Sandbox" description="A broker inside this tab, with virtual clients.">
      <EmptyState
        icon={<FlaskConical size={20} />}
        title="The sandbox runs in its own mode"
        action={
          <Button
            variant="primary"
            onClick={() => window.location.assign(modeHref('sandbox', window.location.href))}
          >
            Open the sandbox
          </Button>
        }
      >
        The dashboard is attached to a server now. The sandbox starts a separate broker in this tab; the
        server is not touched.
      </EmptyState>
    </Page>
  );
}
