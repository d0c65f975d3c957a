import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from './config.ts';

export type MailAttachment = { filename: string; content: Buffer; contentType: string };
export type OutgoingMail = { to: string; subject: string; text: string; html?: string; attachments?: MailAttachment[] };

export type Mailer = { send: (mail: OutgoingMail) => Promise<void>; configured: boolean };

/** Sends through the SMTP server in SMTP_URL; without one, mail is logged and dropped. */
export function createMailer(config: Pick<Config, 'smtpUrl' | 'smtpFrom'>, log: (message: string) => void): Mailer {
  if (!config.smtpUrl) {
    return { configured: false, send: async (mail) => log(`SMTP_URL is not set; not sending "${mail.subject}" to ${mail.to}`) };
  }
  const transport: Transporter = nodemailer.createTransport(config.smtpUrl);
  return {
    configured: true,
    send: async (mail) => {
      await transport.sendMail({ from: config.smtpFrom, ...mail });
    },
  };
}
