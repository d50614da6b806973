// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown';

describe('renderMarkdown', () => {
  it('renders Markdown', () => {
    const html = renderMarkdown('**bold** and `code`\n\n- one\n- two');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<code>code</code>');
    expect(html).toContain('<li>one</li>');
  });

  it('shows raw HTML as text: no script element, no handler', () => {
    const html = renderMarkdown('<script>alert(1)</script> <img src=x onerror="alert(2)">');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const holder = document.createElement('div');
    holder.innerHTML = html;
    expect(holder.querySelector('script, img, [onerror]')).toBeNull();
    expect(holder.textContent).toContain('<img src=x onerror="alert(2)">');
  });

  it('drops javascript: links and keeps safe ones, opened without the opener', () => {
    const holder = document.createElement('div');
    holder.innerHTML = renderMarkdown('[bad](javascript:alert(1)) [good](https://example.com)');
    const links = [...holder.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).not.toContain('javascript:alert(1)');
    const good = links.find((a) => a.getAttribute('href') === 'https://example.com');
    expect(good?.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    for (const a of links) expect(a.getAttribute('href') ?? '').not.toMatch(/^javascript:/i);
  });

  it('drops event handlers whatever produced them', () => {
    const holder = document.createElement('div');
    holder.innerHTML = renderMarkdown('![pic](x" onerror="alert(1))');
    expect(holder.querySelector('[onerror]')).toBeNull();
  });

  it('marks mentions outside code, the signed-in user more strongly', () => {
    const holder = document.createElement('div');
    holder.innerHTML = renderMarkdown('Hi @Olivia Owner and @Maya Member, not `@Olivia Owner`', {
      names: ['Olivia Owner', 'Maya Member'],
      mine: 'Olivia Owner',
    });
    const marks = [...holder.querySelectorAll('mark')];
    expect(marks.map((m) => [m.textContent, m.className])).toEqual([
      ['@Olivia Owner', 'mention mention-me'],
      ['@Maya Member', 'mention'],
    ]);
    expect(holder.querySelector('code')?.textContent).toBe('@Olivia Owner');
  });
});
