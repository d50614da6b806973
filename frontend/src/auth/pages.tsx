import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { api, BROWSER_HEADERS, fieldErrors, unwrap } from '../api';
import {
  type Errors,
  LIMITS,
  validateLogin,
  validatePasswordChange,
  validateSignup,
} from '../lib/validation';
import { Field, FormError, PageHeading, submitIfValid } from '../ui/components';
import { useAuth } from './AuthContext';

function useReturnTo(): string {
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from;
  return from?.startsWith('/') && !from.startsWith('//') ? from : '/';
}

export function LoginPage() {
  const { signedIn, signIn, endedReason } = useAuth();
  const navigate = useNavigate();
  const returnTo = useReturnTo();
  const location = useLocation();
  const notice = (location.state as { notice?: string } | null)?.notice ?? endedReason;
  const formRef = useRef<HTMLFormElement>(null);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Errors<'email' | 'password'>>({});
  const login = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/auth/login', {
          params: { header: BROWSER_HEADERS },
          body: { email: email.trim(), password },
        }),
      ),
    onSuccess: (data) => {
      signIn(data.tokens);
      navigate(returnTo, { replace: true });
    },
  });

  if (signedIn && !login.isPending && !login.isSuccess) return <Navigate to={returnTo} replace />;

  const submit = (event: FormEvent) =>
    submitIfValid(event, formRef.current, validateLogin({ email, password }), setErrors, () =>
      login.mutate(),
    );

  return (
    <main className="auth-page">
      <PageHeading>Log in</PageHeading>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <form ref={formRef} onSubmit={submit} noValidate aria-label="Log in">
        <FormError error={login.error} />
        <Field
          label="Email"
          type="email"
          name="email"
          autoComplete="email"
          value={email}
          maxLength={LIMITS.email.max}
          onChange={(e) => setEmail(e.target.value)}
          error={errors.email}
        />
        <Field
          label="Password"
          type="password"
          name="password"
          autoComplete="current-password"
          value={password}
          maxLength={LIMITS.loginPassword.max}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.password}
        />
        <button type="submit" disabled={login.isPending}>
          {login.isPending ? 'Logging in…' : 'Log in'}
        </button>
      </form>
      <p>
        New here?{' '}
        <Link to="/signup" state={{ from: returnTo }}>
          Create an account
        </Link>
      </p>
    </main>
  );
}

export function SignupPage() {
  const { signedIn, signIn } = useAuth();
  const navigate = useNavigate();
  const returnTo = useReturnTo();
  const formRef = useRef<HTMLFormElement>(null);
  const [values, setValues] = useState({ email: '', displayName: '', password: '' });
  const [errors, setErrors] = useState<Errors<'email' | 'displayName' | 'password'>>({});
  const signup = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/auth/signup', {
          params: { header: BROWSER_HEADERS },
          body: {
            email: values.email.trim(),
            password: values.password,
            display_name: values.displayName.trim(),
          },
        }),
      ),
    onSuccess: (data) => {
      signIn(data.tokens);
      navigate(returnTo, { replace: true });
    },
  });

  if (signedIn && !signup.isPending && !signup.isSuccess) return <Navigate to={returnTo} replace />;

  const server = fieldErrors(signup.error);
  const set = (key: keyof typeof values) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [key]: e.target.value }));
  const submit = (event: FormEvent) =>
    submitIfValid(event, formRef.current, validateSignup(values), setErrors, () => signup.mutate());

  return (
    <main className="auth-page">
      <PageHeading>Create an account</PageHeading>
      <form ref={formRef} onSubmit={submit} noValidate aria-label="Sign up">
        <FormError error={signup.error} />
        <Field
          label="Email"
          type="email"
          name="email"
          autoComplete="email"
          value={values.email}
          maxLength={LIMITS.email.max}
          onChange={set('email')}
          error={errors.email ?? server.email}
        />
        <Field
          label="Display name"
          name="display_name"
          autoComplete="name"
          value={values.displayName}
          maxLength={LIMITS.displayName.max}
          onChange={set('displayName')}
          error={errors.displayName ?? server.display_name}
        />
        <Field
          label="Password"
          type="password"
          name="password"
          autoComplete="new-password"
          hint={`${LIMITS.password.min} to ${LIMITS.password.max} characters.`}
          value={values.password}
          maxLength={LIMITS.password.max}
          onChange={set('password')}
          error={errors.password ?? server.password}
        />
        <button type="submit" disabled={signup.isPending}>
          {signup.isPending ? 'Creating account…' : 'Sign up'}
        </button>
      </form>
      <p>
        Already have an account?{' '}
        <Link to="/login" state={{ from: returnTo }}>
          Log in
        </Link>
      </p>
    </main>
  );
}

export function AccountPage() {
  const { user, signOut } = useAuth();
  const navigate = useNavigate();
  const formRef = useRef<HTMLFormElement>(null);
  const [values, setValues] = useState({ current: '', next: '', confirm: '' });
  const [errors, setErrors] = useState<Errors<'current' | 'next' | 'confirm'>>({});
  const change = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/auth/password', {
          body: { current_password: values.current, new_password: values.next },
        }),
      ),
    // The backend ends every other session and keeps this one (ADR 0086); we end it too, so
    // the user logs in once with the new password and knows it works.
    onSuccess: async () => {
      await signOut();
      navigate('/login', {
        replace: true,
        state: { notice: 'Your password has been changed. Log in with your new password.' },
      });
    },
  });
  const set = (key: keyof typeof values) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [key]: e.target.value }));
  const submit = (event: FormEvent) =>
    submitIfValid(event, formRef.current, validatePasswordChange(values), setErrors, () =>
      change.mutate(),
    );

  return (
    <section>
      <PageHeading>Your account</PageHeading>
      {user && (
        <p>
          Signed in as <strong>{user.display_name}</strong> ({user.email}).
        </p>
      )}
      <h2>Change password</h2>
      <form ref={formRef} onSubmit={submit} noValidate aria-label="Change password">
        <FormError error={change.error} />
        <Field
          label="Current password"
          type="password"
          autoComplete="current-password"
          value={values.current}
          onChange={set('current')}
          error={errors.current}
        />
        <Field
          label="New password"
          type="password"
          autoComplete="new-password"
          hint={`${LIMITS.password.min} to ${LIMITS.password.max} characters.`}
          value={values.next}
          maxLength={LIMITS.password.max}
          onChange={set('next')}
          error={errors.next}
        />
        <Field
          label="Repeat the new password"
          type="password"
          autoComplete="new-password"
          value={values.confirm}
          onChange={set('confirm')}
          error={errors.confirm}
        />
        <button type="submit" disabled={change.isPending}>
          {change.isPending ? 'Saving…' : 'Change password'}
        </button>
      </form>
    </section>
  );
}
