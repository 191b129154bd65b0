import { useEffect, useState } from 'react';
import { Button, type ButtonProps } from './button.tsx';

export interface ConfirmButtonProps extends Omit<ButtonProps, 'onClick'> {
  /** Label shown while the button waits for the second click. */
  confirmLabel: string;
  onConfirm: () => void;
}

/** A destructive action that takes two clicks: the first arms it for a few seconds. */
export function ConfirmButton({ confirmLabel, onConfirm, children, variant, ...rest }: ConfirmButtonProps) {
  const [armed, setArmed] = useState(false);
  useEffect(() => {
    if (!armed) return;
    const timer = setTimeout(() => setArmed(false), 4000);
    return () => clearTimeout(timer);
  }, [armed]);
  return (
    <Button
      {...rest}
      variant={armed ? 'danger' : variant}
      onClick={(event) => {
        // Often sits inside a clickable row: the click is the button's alone.
        event.stopPropagation();
        if (!armed) {
          setArmed(true);
          return;
        }
        setArmed(false);
        onConfirm();
      }}
    >
      {armed ? confirmLabel : children}
    </Button>
  );
}
